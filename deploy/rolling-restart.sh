#!/usr/bin/env bash
# Does a rolling restart behind a load balancer lose a request?
#
# Everything on 127.0.0.1: a tenant (a second copy of the app in Development, whose local tenant serves the JWKS
# and issues the token), three API instances in Production with the drain delay, HAProxy in front of them checking
# GET /health/ready every 500 ms with no retries and no redispatch (a Kubernetes Service retries nothing either),
# and wrk sending GET /protected with a valid token. While wrk runs, each instance in turn gets SIGTERM, exits, is
# started again, and the next one is stopped only once HAProxy sends traffic to the restarted one again.
#
#   deploy/rolling-restart.sh                   # drain 00:00:03, 45 s of load, 32 connections (~1.5 min)
#   DRAIN=00:00:00 deploy/rolling-restart.sh    # the same without a drain, to see what it prevents
#
# HAProxy marks a server down after FALL failed checks INTER apart, so the drain must last at least INTER x FALL
# plus a margin for the check in flight and the scheduler: 3 s against 2 x 500 ms here. The last line is the
# summary; the exit code is 0 only when every request answered 2xx. Needs the .NET SDK; installs haproxy and wrk
# with apt when missing. Ends only the processes it started, by PID.
set -euo pipefail

DRAIN=${DRAIN:-00:00:03}
DURATION=${DURATION:-45}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
INTER=${INTER:-500ms}
FALL=${FALL:-2}
RISE=${RISE:-2}
INSTANCES=3

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t authactionapi-rolling.XXXXXX)
pids=()

# A PID reaped by wait may be reused by anyone's next process: it leaves the list the clean-up kills.
forget_pid() {
  local pid kept=()
  for pid in "${pids[@]}"; do
    [[ $pid == "$1" ]] || kept+=("$pid")
  done
  pids=("${kept[@]}")
}

started_at=$(date +%s%N)
log() { printf '[rolling %6.1fs] %s\n' "$(( ($(date +%s%N) - started_at) / 1000000 ))e-3" "$*" >&2; }
# cleanup (on exit), free_port, wait_for_200, publish_app, start_tenant: shared with the benchmark.
source "$repo/bench/loopback.sh"

missing=()
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if (( ${#missing[@]} > 0 )); then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in curl dotnet awk; do
  command -v "$tool" >/dev/null 2>&1 || { log "$tool is required"; exit 1; }
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

publish_app

start_tenant

ports=()
instance_pids=()
start_instance() { # index
  local i=$1
  (
    cd "$work/app"
    ASPNETCORE_ENVIRONMENT=Production AuthAction__Domain="$tenant" AuthAction__Audience="$audience" \
      Shutdown__DrainDelay="$DRAIN" exec dotnet AuthActionApi.dll --urls "http://127.0.0.1:${ports[$i]}"
  ) >>"$work/api$i.log" 2>&1 &
  instance_pids[$i]=$!
  pids+=($!)
}

for (( i = 1; i <= INSTANCES; i++ )); do
  ports[$i]=$(free_port)
  start_instance "$i"
done
for (( i = 1; i <= INSTANCES; i++ )); do
  wait_for_200 "http://127.0.0.1:${ports[$i]}/health/ready" 60 || { cat "$work/api$i.log" >&2; exit 1; }
done
log "API instances (Production, Shutdown:DrainDelay=$DRAIN) ready on ports ${ports[*]:1}"

lb_port=$(free_port)
stats_port=$(free_port)
{
  cat <<EOF
global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  # No second chance for a request: not on another connection attempt, not on another server.
  retries 0
  no option redispatch

frontend api
  bind 127.0.0.1:$lb_port
  default_backend apis

frontend stats
  bind 127.0.0.1:$stats_port
  stats enable
  stats uri /stats

backend apis
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
  default-server inter $INTER fall $FALL rise $RISE
EOF
  for (( i = 1; i <= INSTANCES; i++ )); do
    echo "  server api$i 127.0.0.1:${ports[$i]} check"
  done
} >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
lb="http://127.0.0.1:$lb_port"

# HAProxy's own view of a server: UP, DOWN, or a transition such as "UP 1/2".
server_status() { # index
  curl -s "http://127.0.0.1:$stats_port/stats;csv" | awk -F, -v s="api$1" '$1 == "apis" && $2 == s { print $18 }'
}

wait_until_up() { # index seconds
  local deadline=$(( $(date +%s) + $2 ))
  until [[ $(server_status "$1") == UP ]]; do
    if (( $(date +%s) > deadline )); then
      log "HAProxy never saw api$1 up"
      return 1
    fi
    sleep 0.05
  done
}

for (( i = 1; i <= INSTANCES; i++ )); do
  wait_until_up "$i" 30
done
wait_for_200 "$lb/public" 10
log "HAProxy on $lb: check GET /health/ready every $INTER, down after $FALL failures, up after $RISE successes; no retries, no redispatch"

# A slow answer on this shared machine is not a lost one: wrk waits 10 s before it counts a timeout.
# wrk counts only 4xx and 5xx as "Non-2xx or 3xx"; this counts every status outside 2xx, per thread, summed at the end.
cat >"$work/count.lua" <<'EOF'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("non2xx") end
  io.write(string.format("Responses outside 2xx: %d\n", total))
end
EOF

log "wrk: ${DURATION}s, $CONNECTIONS connections, GET /protected with a valid token"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$work/count.lua" -H "Authorization: Bearer $token" "$lb/protected" \
  >"$work/wrk.txt" 2>&1 &
wrk_pid=$!
pids+=("$wrk_pid")

sleep 5
for (( i = 1; i <= INSTANCES; i++ )); do
  pid=${instance_pids[$i]}
  log "api$i: SIGTERM (PID $pid)"
  sent=$(date +%s%N)
  kill -TERM "$pid"
  down_ms="" deadline=$(( $(date +%s) + 120 ))
  while kill -0 "$pid" 2>/dev/null; do
    if [[ -z $down_ms && $(server_status "$i") == DOWN* ]]; then
      down_ms=$(( ($(date +%s%N) - sent) / 1000000 ))
      log "api$i: HAProxy marked it down after ${down_ms} ms"
    fi
    if (( $(date +%s) > deadline )); then
      log "api$i did not exit within 120 s"
      exit 1
    fi
    sleep 0.05
  done
  code=0
  wait "$pid" || code=$?
  forget_pid "$pid"
  log "api$i: exited with code $code after $(( ($(date +%s%N) - sent) / 1000000 )) ms; starting it again"
  [[ -n $down_ms ]] || log "api$i: exited before HAProxy marked it down"
  start_instance "$i"
  # Its own answer first: HAProxy may not have marked it down at all if it came back within the checks.
  wait_for_200 "http://127.0.0.1:${ports[$i]}/health/ready" 60 || { cat "$work/api$i.log" >&2; exit 1; }
  wait_until_up "$i" 30
  log "api$i: HAProxy sends it traffic again ($(( ($(date +%s%N) - sent) / 1000000 )) ms after the SIGTERM)"
done

if ! kill -0 "$wrk_pid" 2>/dev/null; then
  log "wrk ended before the last restart did: raise DURATION"
fi
wait "$wrk_pid" || true
cat "$work/wrk.txt" >&2

grep -h -E 'Stopping: draining|Drain over|Drain cut short' "$work"/api*.log | sed 's/ {.*//' >&2 || true

requests=$(awk '/ requests in / { print $1 }' "$work/wrk.txt")
non2xx=$(awk '/^Responses outside 2xx:/ { print $4 }' "$work/wrk.txt")
socket_errors=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$work/wrk.txt")
echo "ROLLING RESTART drain=$DRAIN check=${INTER}x$FALL instances=$INSTANCES requests=${requests:-0} non_2xx=${non2xx:-?} socket_errors=${socket_errors:-0}"
[[ ${non2xx:-1} == 0 && ${socket_errors:-0} == 0 && ${requests:-0} -gt 0 ]]
