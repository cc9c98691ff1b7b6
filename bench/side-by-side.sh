#!/usr/bin/env bash
# The warmed throughput of the same published API under two environments, side by side: what a runtime setting
# costs or gains on the plateau (for dynamic PGO: bench/README.md, "Start-up"). Both processes run at once against
# the same tenant, are warmed with 15 s of load each, then take turns: ROUNDS pairs of 5 s wrk rounds on
# GET /protected, which of the two goes first alternating. Prints each round, the median of the per-pair ratios
# B / A, and each process's RSS at the end.
#
#   bench/side-by-side.sh "DOTNET_TieredPGO=1" ""                   # A with dynamic PGO, B as shipped
#   ROUNDS=6 bench/side-by-side.sh "" "DOTNET_gcServer=1"           # A as shipped, B with server GC
#   BEFORE=029596c bench/side-by-side.sh "" ""                      # A that commit's API, B this one, both as shipped
#
# Each argument is a space-separated list of NAME=value words ("" for none). Needs the .NET SDK; installs wrk with
# apt when missing.
set -euo pipefail

ROUNDS=${ROUNDS:-10}
ENV_A=${1-}
ENV_B=${2-}
BEFORE=${BEFORE:-}

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t authactionapi-side.XXXXXX)
pids=()

log() { printf '[side] %s\n' "$*" >&2; }
# cleanup (on exit), require_load_tools, free_port, wait_for_200, publish_app, publish_before, start_tenant,
# start_published, rss_mb, median.
source "$repo/bench/loopback.sh"

require_load_tools
publish_app
dir_a=$work/app
if [[ -n $BEFORE ]]; then
  publish_before "$BEFORE"
  dir_a=$work/before
fi
start_tenant

# Starts the API published in folder $3 with the environment words $2 on a free port; sets server_$1 and pid_$1.
start_api() {
  local name=$1 server pid
  server="http://127.0.0.1:$(free_port)"
  # shellcheck disable=SC2086 # a list of NAME=value words
  start_published "$3" "$server" "$work/$name.log" $2
  printf -v "pid_$name" '%s' "$pid"
  printf -v "server_$name" '%s' "$server"
  wait_for_200 "$server/protected" 60 -H "Authorization: Bearer $token" || { cat "$work/$name.log" >&2; exit 1; }
}

rps() { # server, seconds
  wrk -t2 -c64 -d"$2s" -H "Authorization: Bearer $token" "$1/protected" \
    | awk '/^Requests\/sec:/ { printf "%.0f", $2 } / Non-2xx/ { print "errors" > "/dev/stderr" }'
}

log "A: ${BEFORE:-this build}, ${ENV_A:-as shipped}; B: this build, ${ENV_B:-as shipped}"
start_api a "$ENV_A" "$dir_a"
start_api b "$ENV_B" "$work/app"
rps "$server_a" 15 >/dev/null
rps "$server_b" 15 >/dev/null

: >"$work/ratios.txt"
for (( round = 1; round <= ROUNDS; round++ )); do
  if (( round % 2 )); then a=$(rps "$server_a" 5); b=$(rps "$server_b" 5); else b=$(rps "$server_b" 5); a=$(rps "$server_a" 5); fi
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", b / a }' >>"$work/ratios.txt"
  log "round $round: A $a req/s, B $b req/s, B/A $(tail -n 1 "$work/ratios.txt")"
done

echo "SUMMARY rounds=$ROUNDS | A=${BEFORE:+$BEFORE }[${ENV_A}] rss=$(rss_mb "$pid_a")MB | B=[${ENV_B}] rss=$(rss_mb "$pid_b")MB | B/A median=$(median <"$work/ratios.txt") range=$(sort -g "$work/ratios.txt" | sed -n '1p;$p' | paste -sd- -)"
