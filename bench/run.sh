#!/usr/bin/env bash
# What checking a token costs: GET /public against GET /protected with a valid token, on this machine.
#
# Runs the API as production does (a Release publish, Production environment, the shipped logging
# configuration) against a tenant on loopback: a second copy of the same app in Development, whose
# built-in local tenant serves the JWKS and issues the token. Beside it, as the yardstick, a vanilla
# minimal API with JwtBearer (bench/Baseline) trusting the same tenant. Then interleaved, bounded wrk rounds.
#
#   bench/run.sh                                          # 10 rounds, 5 s each, 64 connections, 2 threads, then the floods (~15 min)
#   ROUNDS=5 DURATION=10s bench/run.sh                    # the same measured time in 10 s rounds
#   AuthAction__TokenCache__Enabled=false bench/run.sh    # the same with the token cache off (any app setting passes through)
#   ROUNDS=3 DURATION=5s FLOOD=0 BASELINE=0 bench/run.sh  # a quick look: no floods, no vanilla yardstick
#   FLOOD_ROUNDS=5 bench/run.sh                           # more flooded/clean pairs per flood (default 3)
#   FLOOD_KINDS="alg-none alg-none-8k" bench/run.sh       # only these floods (default: all, listed below)
#
# Last line: one summary line with every figure. Needs the .NET SDK; installs wrk with apt when missing.
set -euo pipefail

# Ten short pairs rather than five long ones, for the same measured time: the host's speed drifts from one
# round to the next (here /public alone ranged 59,000-71,000 req/s within a run), a pair whose halves run
# close together is less often split across a fast and a slow stretch, and ten pairs give a steadier median.
ROUNDS=${ROUNDS:-10}
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
FLOOD=${FLOOD:-1}
FLOOD_ROUNDS=${FLOOD_ROUNDS:-3}
# Each header-decided refusal twice: over the token's own small payload, and over about 8 KB of nested empty arrays
# (the largest a token may be), which a refusal that parsed the payload would pay for.
# garbage-8k, refused before anything is decoded, is what the 8 KB request alone costs.
FLOOD_KINDS=${FLOOD_KINDS:-unknown-kid wrong-signature garbage valid-token alg-none alg-none-8k jku jku-8k no-kid no-kid-8k wrong-signature-8k garbage-8k}
BASELINE=${BASELINE:-1}

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t authactionapi-bench.XXXXXX)
pids=()

log() { printf '[bench] %s\n' "$*" >&2; }
# cleanup (on exit), require_load_tools, free_port, wait_for_200, publish_app, publish_baseline, start_tenant,
# start_published, median.
source "$repo/bench/loopback.sh"

require_load_tools

publish_app
if [[ $BASELINE == 1 ]]; then
  publish_baseline
fi

start_tenant

# The tenant logs every request it answers (Development): its JWKS lines are the honest fetch count.
jwks_fetches() { grep -c 'GET /.well-known/jwks.json' "$work/tenant.log" || true; }

api_port=$(free_port)
api="http://127.0.0.1:$api_port"
log "starting the API (Production) on $api"
started=$(date +%s%N)
start_published "$work/app" "$api" "$work/api.log"
api_pid=$pid
wait_for_200 "$api/protected" 60 -H "Authorization: Bearer $token" || { cat "$work/api.log" >&2; exit 1; }
first_200_ms=$(( ($(date +%s%N) - started) / 1000000 ))
log "first 200 on /protected after ${first_200_ms} ms"

targets=(public protected)
if [[ $BASELINE == 1 ]]; then
  base_port=$(free_port)
  base="http://127.0.0.1:$base_port"
  log "starting the vanilla baseline (Production) on $base"
  start_published "$work/baseline" "$base" "$work/baseline.log"
  wait_for_200 "$base/protected" 60 -H "Authorization: Bearer $token" || { cat "$work/baseline.log" >&2; exit 1; }
  targets+=(base-public base-protected)
fi

# wrk --latency output -> "req_per_s p50_ms p99_ms non2xx"
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    / Socket errors:/ { bad = bad "+sockerr" }
    END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}


# "steal total" CPU ticks from /proc/stat: on a virtual machine, steal is time the host gave to someone else.
cpu_ticks() { awk '/^cpu / { print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

run_round() { # target duration; also leaves the round's steal percentage in $work/steal
  local target=$1 duration=$2 server=$api path=$1 auth=() steal0 total0 steal1 total1
  if [[ $target == base-* ]]; then server=$base path=${target#base-}; fi
  if [[ $path == protected ]]; then auth=(-H "Authorization: Bearer $token"); fi
  read -r steal0 total0 <<<"$(cpu_ticks)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency "${auth[@]}" "$server/$path" | parse_wrk
  read -r steal1 total1 <<<"$(cpu_ticks)"
  awk -v s=$(( steal1 - steal0 )) -v t=$(( total1 - total0 )) 'BEGIN { printf "%.1f\n", (t > 0 ? 100 * s / t : 0) }' >"$work/steal"
}

# Warm-up: JIT tiering and connection pools, not measured.
for target in "${targets[@]}"; do
  run_round "$target" 3s >/dev/null
done

fetches_before=$(jwks_fetches)
for target in "${targets[@]}"; do : >"$work/$target.txt"; done
: >"$work/ratios.txt"
: >"$work/steals.txt"
for (( round = 1; round <= ROUNDS; round++ )); do
  # Alternate the order, so no target always gets the warmer (or noisier) slot.
  order=("${targets[@]}")
  if (( round % 2 == 0 )); then
    order=()
    for (( i = ${#targets[@]} - 1; i >= 0; i-- )); do order+=("${targets[$i]}"); done
  fi
  for target in "${order[@]}"; do
    result=$(run_round "$target" "$DURATION")
    echo "$result" >>"$work/$target.txt"
    read -r rps p50 p99 bad <<<"$result"
    steal=$(cat "$work/steal")
    echo "$steal" >>"$work/steals.txt"
    log "round $round $target: $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $bad, CPU stolen by the host $steal%"
    [[ $bad == 0 ]] || { log "$target answered errors under load"; exit 1; }
  done
  # The two endpoints of one round ran back to back: their ratio is what this round says about the cost
  # of the token check, whatever else the machine was doing at that moment.
  paste "$work/public.txt" "$work/protected.txt" | tail -n 1 \
    | awk '{ printf "%.3f %.3f\n", $5 / $1, $7 / $3 }' >>"$work/ratios.txt"
done
fetches_steady=$(( $(jwks_fetches) - fetches_before ))

col() { awk -v c="$1" '{ print $c }' "$work/$2.txt" | median; }
pub_rps=$(col 1 public); pub_p50=$(col 2 public); pub_p99=$(col 3 public)
pro_rps=$(col 1 protected); pro_p50=$(col 2 protected); pro_p99=$(col 3 protected)
# Medians of the per-round ratios: robust to a noisy neighbour slowing one round down.
ratio=$(awk '{ print $1 }' "$work/ratios.txt" | median | awk '{ printf "%.2f", $1 }')
p99_ratio=$(awk '{ print $2 }' "$work/ratios.txt" | median | awk '{ printf "%.2f", $1 }')

flood_summary=""
if [[ $FLOOD == 1 ]]; then
  # Three floods, each of 16 connections beside the usual 64 valid ones, each its own round: tokens naming
  # made-up kids (the fetch budget must hold: one fetch per cooldown slot), tokens under a published kid with a
  # wrong signature (RSA runs for each), and garbage that is not a JWT at all; then, as a yardstick, the valid token
  # on the same 16 connections. Valid /protected must keep most of its flood-free throughput: flood_ratio is the
  # median, over the made-up-kid pairs, of flooded over clean.
  header_b64() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
  rest=${token#*.}
  signed=${token%.*}
  signature=${token##*.}
  # The requests are formatted once, in init. Formatted per request, each flood request cost wrk about 1.5 times the
  # CPU of a valid one, on the same two cores as the API: the ratio measured the load generator as much as the API.
  write_flood() { # name, then one token per line on stdin
    {
      echo 'local tokens = {'
      while IFS= read -r t; do echo "  \"$t\","; done
      echo '}'
      echo 'local requests = {}'
      echo 'init = function()'
      echo '  for i, t in ipairs(tokens) do requests[i] = wrk.format("GET", nil, { Authorization = "Bearer " .. t }) end'
      echo 'end'
      echo 'request = function() return requests[math.random(#requests)] end'
    } >"$work/$1.lua"
  }
  for (( i = 0; i < 200; i++ )); do
    echo "$(header_b64 "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"flood-$i-$RANDOM\"}").$rest"
  done | write_flood unknown-kid
  # The same header and payload under a signature of the right length that is not theirs.
  echo "$signed.$(printf '%s' "$signature" | rev)" | write_flood wrong-signature
  for (( i = 0; i < 200; i++ )); do echo "not-a-token-$i-$RANDOM"; done | write_flood garbage
  # The yardstick: the same 16 connections sending the valid token. What 16 more clients cost on these two cores
  # whatever they send; a flood of forgeries that came close to it would cost no more than serving them.
  echo "$token" | write_flood valid-token
  # Refusals the header decides, and a wrong signature under the published kid, each over the token's own payload
  # and over an 8 KB one: 1,880 empty arrays in one array, about 7,500 characters encoded, so the whole token stays
  # under the 8,192 the API reads at all.
  payload=${rest%%.*}
  big_payload=$(printf '{"a":[%s[]]}' "$(printf '[],%.0s' $(seq 1 1880))" | base64 -w0 | tr '+/' '-_' | tr -d '=')
  none_header=$(header_b64 '{"alg":"none","typ":"JWT","kid":"flood"}')
  jku_header=$(header_b64 '{"alg":"RS256","typ":"JWT","kid":"flood","jku":"https://attacker.example/jwks.json"}')
  no_kid_header=$(header_b64 '{"alg":"RS256","typ":"JWT"}')
  echo "$none_header.$payload." | write_flood alg-none
  echo "$none_header.$big_payload." | write_flood alg-none-8k
  echo "$jku_header.$payload.$signature" | write_flood jku
  echo "$jku_header.$big_payload.$signature" | write_flood jku-8k
  echo "$no_kid_header.$payload.$signature" | write_flood no-kid
  echo "$no_kid_header.$big_payload.$signature" | write_flood no-kid-8k
  echo "${token%%.*}.$big_payload.$(printf '%s' "$signature" | rev)" | write_flood wrong-signature-8k
  echo "$(head -c 7900 /dev/zero | tr '\0' 'a')!" | write_flood garbage-8k

  flood_pair() { # kind, order; prints "ratio p99_ratio rps p99 refused fetches" for one flooded and one clean round
    local kind=$1 order=$2 fetches0 fl_rps fl_p50 fl_p99 fl_bad refused fetches flood_pid cl_rps cl_p50 cl_p99 cl_bad
    if [[ $order == clean-first ]]; then read -r cl_rps cl_p50 cl_p99 cl_bad <<<"$(run_round protected "$DURATION")"; fi
    fetches0=$(jwks_fetches)
    wrk -t1 -c16 -d"$DURATION" -s "$work/$kind.lua" "$api/protected" >"$work/$kind.txt" &
    flood_pid=$!
    pids+=("$flood_pid")
    read -r fl_rps fl_p50 fl_p99 fl_bad <<<"$(run_round protected "$DURATION")"
    wait "$flood_pid" || true
    refused=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/$kind.txt")
    fetches=$(( $(jwks_fetches) - fetches0 ))
    if [[ $order != clean-first ]]; then read -r cl_rps cl_p50 cl_p99 cl_bad <<<"$(run_round protected "$DURATION")"; fi
    log "$kind flood: valid /protected $fl_rps req/s (p99 $fl_p99 ms) beside it, $cl_rps req/s (p99 $cl_p99 ms) in the" \
      "clean round next to it; non-2xx $fl_bad; $kind tokens answered $refused/s; JWKS fetches $fetches"
    [[ $fl_bad == 0 ]] || { log "valid requests failed during the $kind flood"; exit 1; }
    awk -v f="$fl_rps" -v n="$cl_rps" -v fp="$fl_p99" -v np="$cl_p99" -v r="$refused" -v j="$fetches" \
      'BEGIN { printf "%.3f %.3f %s %s %s %s\n", f / n, fp / np, f, fp, r, j }'
  }
  # Each flood in FLOOD_ROUNDS pairs of a flooded round and a clean one back to back, in alternating order, as
  # the main rounds are paired: the host's speed drifts, and a pair's two halves share its stretch of it.
  flood_round() { # kind; prints the medians over its pairs, and the fetches of all its rounds
    local kind=$1 pair order
    : >"$work/$kind.pairs"
    for (( pair = 1; pair <= FLOOD_ROUNDS; pair++ )); do
      order=flood-first
      if (( pair % 2 == 0 )); then order=clean-first; fi
      flood_pair "$kind" "$order" >>"$work/$kind.pairs"
    done
    awk '{ print $1 }' "$work/$kind.pairs" | median | awk '{ printf "%.2f ", $1 }'
    awk '{ print $2 }' "$work/$kind.pairs" | median | awk '{ printf "%.2f ", $1 }'
    awk '{ print $3 }' "$work/$kind.pairs" | median | awk '{ printf "%.0f ", $1 }'
    awk '{ print $4 }' "$work/$kind.pairs" | median | awk '{ printf "%.2f ", $1 }'
    awk '{ print $5 }' "$work/$kind.pairs" | median | awk '{ printf "%.0f ", $1 }'
    awk '{ s += $6 } END { print s }' "$work/$kind.pairs"
  }
  # Warm-up, as for the main rounds: each flood alone for 3 s, not measured. The refusal paths are cold until a
  # flood first reaches them, and in every earlier run the first made-up-kid pair was among the lowest: it measured
  # the JIT compiling them beside the valid traffic. (The made-up kids' first JWKS fetch happens here too.)
  for kind in $FLOOD_KINDS; do
    [[ -f $work/$kind.lua ]] || { log "no flood named $kind"; exit 1; }
    wrk -t1 -c16 -d3s -s "$work/$kind.lua" "$api/protected" >/dev/null
  done
  for kind in $FLOOD_KINDS; do
    read -r f_ratio f_p99 f_rps f_valid_p99 f_answered f_fetches <<<"$(flood_round "$kind")"
    case $kind in
      unknown-kid)
        flood_summary+=" | flood: valid ${f_rps} req/s p99 ${f_valid_p99}ms, unknown-kid ${f_answered}/s, jwks_fetches=${f_fetches} in ${FLOOD_ROUNDS} rounds, flood_ratio=${f_ratio} flood_p99_ratio=${f_p99}" ;;
      valid-token)
        flood_summary+=" | yardstick, valid-token flood ${f_answered}/s: ratio=${f_ratio} p99_ratio=${f_p99}" ;;
      *)
        flood_summary+=" | ${kind} flood ${f_answered}/s: ratio=${f_ratio} p99_ratio=${f_p99}" ;;
    esac
  done
fi

peak_rss_mb=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$api_pid/status")

baseline_summary=""
printf '\n%-26s %12s %10s %10s\n' server/endpoint 'req/s' 'p50 ms' 'p99 ms' >&2
printf '%-26s %12s %10s %10s\n' 'AuthActionApi /public' "$pub_rps" "$pub_p50" "$pub_p99" >&2
printf '%-26s %12s %10s %10s\n' 'AuthActionApi /protected' "$pro_rps" "$pro_p50" "$pro_p99" >&2
if [[ $BASELINE == 1 ]]; then
  bpub_rps=$(col 1 base-public); bpro_rps=$(col 1 base-protected)
  bratio=$(awk -v a="$bpro_rps" -v b="$bpub_rps" 'BEGIN { printf "%.2f", a / b }')
  printf '%-26s %12s %10s %10s\n' 'vanilla /public' "$bpub_rps" "$(col 2 base-public)" "$(col 3 base-public)" >&2
  printf '%-26s %12s %10s %10s\n' 'vanilla /protected' "$bpro_rps" "$(col 2 base-protected)" "$(col 3 base-protected)" >&2
  baseline_summary=" | vanilla: public=${bpub_rps}req/s protected=${bpro_rps}req/s ratio=${bratio}"
fi
printf 'protected/public (median of per-round ratios): throughput %s, p99 %s; JWKS fetches during the rounds %s; peak RSS %s MB; first 200 after %s ms\n\n' \
  "$ratio" "$p99_ratio" "$fetches_steady" "$peak_rss_mb" "$first_200_ms" >&2
# How much CPU the host took away during the measured rounds: a round that lost a lot says more about the
# neighbours than about the API, and so does the ratio of its pair. A low figure proves less: neighbours also
# slow a round through shared caches and memory, which no counter in the guest shows.
steal_max=$(sort -g "$work/steals.txt" | tail -n 1)
log "CPU stolen by the host per round: $(tr '\n' ' ' <"$work/steals.txt")(percent)"
echo "SUMMARY public=${pub_rps}req/s p50=${pub_p50}ms p99=${pub_p99}ms | protected=${pro_rps}req/s p50=${pro_p50}ms p99=${pro_p99}ms | ratio=${ratio} p99_ratio=${p99_ratio} | jwks_fetches=${fetches_steady} | peak_rss=${peak_rss_mb}MB | first_200=${first_200_ms}ms | steal_max=${steal_max}%${flood_summary}${baseline_summary}"
