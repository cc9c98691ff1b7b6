#!/usr/bin/env bash
# How soon a new instance answers, how soon at full speed, and in how much memory: what users feel when an
# autoscaler adds a pod under load (issue 23).
#
# Both apps published as the container image holds them (Release, linux-x64, framework-dependent), each run from
# its own folder in Production against the same tenant on loopback (a second copy of the app, in Development), one
# process at a time. For each start, from the moment the process is launched:
#   first_200   ms until GET /protected with a valid token first answers 200
#   idle_rss    VmRSS at that moment, before any load: what a fresh, ready instance holds
#   warm        /protected req/s in the first 3 s of load (wrk, 64 connections) right after that 200, over
#   plateau     its req/s 12-18 s into the same load
#   load_rss    VmRSS after 20 s of that load
# STARTS starts of each app, the two apps alternating (and which goes first alternating), medians and ranges.
#
#   bench/startup.sh                 # 3 starts of each, about 3 minutes; the last line is the summary
#   STARTS=5 bench/startup.sh        # more starts, steadier medians
#   APP_ENV="DOTNET_TieredPGO=1" bench/startup.sh   # extra environment for the API only (space-separated NAME=value)
#   BEFORE=bb7d10e bench/startup.sh  # also that commit's API, published the same way, in the same interleaved starts
#
# Needs the .NET SDK; installs wrk with apt when missing.
set -euo pipefail

STARTS=${STARTS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
APP_ENV=${APP_ENV:-}
BEFORE=${BEFORE:-}

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t authactionapi-startup.XXXXXX)
pids=()

log() { printf '[startup] %s\n' "$*" >&2; }
# cleanup (on exit), require_load_tools, free_port, wait_for_200, publish_app, publish_baseline, publish_before,
# start_tenant, start_published, rss_mb, median, col_median.
source "$repo/bench/loopback.sh"

require_load_tools

publish_app
publish_baseline

if [[ -n $BEFORE ]]; then
  publish_before "$BEFORE"
fi

start_tenant

wrk_rps() { # seconds; /protected of $server with the token
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" -H "Authorization: Bearer $token" "$server/protected" \
    | awk '/^Requests\/sec:/ { printf "%.0f", $2 } / Non-2xx/ { print "errors" > "/dev/stderr" }'
}
# "steal total" CPU ticks from /proc/stat: on a virtual machine, steal is time the host gave to someone else.
cpu_ticks() { awk '/^cpu / { print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# One start of one app; prints "first_200_ms idle_rss_mb warm_rps plateau_rps load_rss_mb steal_percent".
measure_start() {
  local which=$1 port pid started first warm plateau idle load steal0 total0 steal1 total1
  port=$(free_port)
  server="http://127.0.0.1:$port"
  read -r steal0 total0 <<<"$(cpu_ticks)"
  started=$(date +%s%N)
  local folder=$work/$which extra=$APP_ENV
  if [[ $which == vanilla ]]; then folder=$work/baseline extra=; fi
  # shellcheck disable=SC2086 # APP_ENV is a list of NAME=value words, for the API only
  start_published "$folder" "$server" "$work/$which.log" $extra
  # curl each 10 ms (the same for both apps): the granularity of first_200 is about that.
  wait_for_200 "$server/protected" 60 -H "Authorization: Bearer $token" || { cat "$work/$which.log" >&2; exit 1; }
  first=$(( ($(date +%s%N) - started) / 1000000 ))
  idle=$(rss_mb "$pid")
  # Twenty seconds of load in four wrk runs back to back: 0-3 s, 3-12 s, 12-18 s (the plateau), 18-20 s.
  warm=$(wrk_rps 3)
  wrk_rps 9 >/dev/null
  plateau=$(wrk_rps 6)
  wrk_rps 2 >/dev/null
  load=$(rss_mb "$pid")
  read -r steal1 total1 <<<"$(cpu_ticks)"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  awk -v s=$(( steal1 - steal0 )) -v t=$(( total1 - total0 )) -v f="$first" -v i="$idle" -v w="$warm" -v p="$plateau" -v l="$load" \
    'BEGIN { printf "%d %s %s %s %s %.1f\n", f, i, w, p, l, (t > 0 ? 100 * s / t : 0) }'
}

# "median (min-max)" of column $1 of file $2
spread() { awk -v c="$1" '{ print $c }' "$2" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s (%s-%s)", m, v[1], v[NR] }'; }

contenders=(app vanilla)
if [[ -n $BEFORE ]]; then contenders=(app before vanilla); fi
for which in "${contenders[@]}"; do : >"$work/$which.txt"; done
for (( start = 1; start <= STARTS; start++ )); do
  # Alternate the order, so no contender always starts right after the same one.
  order=("${contenders[@]}")
  if (( start % 2 == 0 )); then
    order=()
    for (( i = ${#contenders[@]} - 1; i >= 0; i-- )); do order+=("${contenders[$i]}"); done
  fi
  for which in "${order[@]}"; do
    result=$(measure_start "$which")
    read -r first idle warm plateau load steal <<<"$result"
    # The ratio of this start, kept per start: the median of ratios, not the ratio of medians.
    echo "$result $(awk -v w="$warm" -v p="$plateau" 'BEGIN { printf "%.2f", w / p }')" >>"$work/$which.txt"
    log "start $start $which: first 200 after $first ms, idle RSS $idle MB; $warm req/s in the first 3 s," \
      "$plateau at 12-18 s; RSS after 20 s of load $load MB; CPU stolen by the host $steal%"
  done
done

printf '\n%-12s %-22s %-18s %-22s %-18s %-20s %-18s\n' '' 'first 200 ms' 'first 3 s / plateau' 'plateau req/s' 'RSS after load MB' 'idle RSS MB' 'steal %' >&2
for which in "${contenders[@]}"; do
  printf '%-12s %-22s %-18s %-22s %-18s %-20s %-18s\n' "$which" "$(spread 1 "$work/$which.txt")" "$(spread 7 "$work/$which.txt")" \
    "$(spread 4 "$work/$which.txt")" "$(spread 5 "$work/$which.txt")" "$(spread 2 "$work/$which.txt")" "$(spread 6 "$work/$which.txt")" >&2
done

a_first=$(col_median 1 "$work/app.txt"); v_first=$(col_median 1 "$work/vanilla.txt")
a_ratio=$(col_median 7 "$work/app.txt"); v_ratio=$(col_median 7 "$work/vanilla.txt")
a_plateau=$(col_median 4 "$work/app.txt"); v_plateau=$(col_median 4 "$work/vanilla.txt")
a_load=$(col_median 5 "$work/app.txt"); v_load=$(col_median 5 "$work/vanilla.txt")
a_idle=$(col_median 2 "$work/app.txt"); v_idle=$(col_median 2 "$work/vanilla.txt")
steal_max=$(for which in "${contenders[@]}"; do awk '{ print $6 }' "$work/$which.txt"; done | sort -g | tail -n 1)
# The bars of issue 23: first 200 no later than vanilla's, first 3 s at least 0.6 of the plateau, RSS under load at
# most 1.1 x vanilla's. The plateau here is 12-18 s after start, one window per start: the throughput bar
# (/protected at 2 x vanilla or more) is bench/run.sh's, measured warm over paired rounds.
verdict=$(awk -v af="$a_first" -v vf="$v_first" -v ar="$a_ratio" -v al="$a_load" -v vl="$v_load" -v ap="$a_plateau" -v vp="$v_plateau" 'BEGIN {
  printf "first_200<=vanilla:%s warm>=0.6:%s load_rss<=1.1x:%s(%.2fx) plateau_vs_vanilla=%.2fx",
    (af <= vf ? "yes" : "no"), (ar >= 0.6 ? "yes" : "no"), (al <= 1.1 * vl ? "yes" : "no"), al / vl, ap / vp }')
before_summary=""
if [[ -n $BEFORE ]]; then
  before_summary=" | before ($BEFORE): first_200=$(col_median 1 "$work/before.txt")ms warm_ratio=$(col_median 7 "$work/before.txt") plateau=$(col_median 4 "$work/before.txt")req/s load_rss=$(col_median 5 "$work/before.txt")MB idle_rss=$(col_median 2 "$work/before.txt")MB"
fi
echo "SUMMARY starts=${STARTS} | app: first_200=${a_first}ms warm_ratio=${a_ratio} plateau=${a_plateau}req/s load_rss=${a_load}MB idle_rss=${a_idle}MB | vanilla: first_200=${v_first}ms warm_ratio=${v_ratio} plateau=${v_plateau}req/s load_rss=${v_load}MB idle_rss=${v_idle}MB${before_summary} | ${verdict} | steal_max=${steal_max}%"
