#!/usr/bin/env bash
# What the token cache costs in memory: peak RSS of a fresh API process after many distinct valid tokens, each sent
# once, with the cache on and off; and the bytes one cached token keeps alive, against what the cache charges it.
#
# The API is published Release and run from its own folder in Production, trusting a tenant on loopback
# (bench/CacheMemory: an RSA-2048 key, its JWKS, RS256 tokens with a kid, iss http://127.0.0.1:PORT/). For each case,
# a fresh API process per run; the tokens go to GET /protected on 16 connections, every answer must be 200; then
# VmHWM (peak RSS) and VmRSS are read from /proc and the API is stopped.
#
#   bench/cache-memory.sh                                   # the issue-22 cases, cache on and off, then the per-entry table (~3 min)
#   CASES="permissions-150:2000" bench/cache-memory.sh      # SHAPE:COUNT..., shapes in bench/CacheMemory/TokenShapes.cs
#   MEASURE=0 bench/cache-memory.sh                         # RSS only
#   ENTRIES=500 bench/cache-memory.sh                       # entries per batch in the per-entry measurement (default 300)
#   AuthAction__TokenCache__MemoryLimitMegabytes=64 bench/cache-memory.sh   # any app setting passes through
#
# Last line: one summary line with every figure.
set -euo pipefail

CASES=${CASES:-"permissions-150:2000 blob-8k:300 numbers-8k:300 numbers-3k:2000"}
CONNECTIONS=${CONNECTIONS:-16}
MEASURE=${MEASURE:-1}
ENTRIES=${ENTRIES:-300}
SHAPES=${SHAPES:-"tiny permissions-150 strings-400 blob-8k strings-8k numbers-8k numbers-3k empty-arrays-8k members-8k object-8k object-arrays-8k"}

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t authactionapi-cachemem.XXXXXX)
pids=()

log() { printf '[cache-memory] %s\n' "$*" >&2; }
# cleanup (on exit), free_port, wait_for_200, publish_app.
source "$repo/bench/loopback.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

publish_app
dotnet publish "$repo/bench/CacheMemory/CacheMemory.csproj" -c Release -o "$work/cachememory" --nologo -v quiet >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log" >&2; exit 1; }
helper() { timeout 600 dotnet "$work/cachememory/CacheMemory.dll" "$@"; }

summary="SUMMARY"
if [[ $MEASURE == 1 ]]; then
  # One process per shape: each starts from the same clean heap.
  log "per-entry bytes on the managed heap, $ENTRIES entries per batch (slope: the second batch's growth)"
  helper measure-header >&2
  for shape in $SHAPES; do
    line=$(helper measure "$shape" "$ENTRIES")
    echo "$line" >&2
    read -r name chars claims _ _ slope charged _ <<<"$line"
    summary+=" | $name ${chars}ch/${claims}cl: kept ${slope} B, charged ${charged} B"
  done
fi

tokens="$work/tokens"
mkdir -p "$tokens"
tenant_port=$(free_port)
tenant="http://127.0.0.1:$tenant_port"
audience=https://authactionapi.local/api
log "signing the tokens and starting the tenant on $tenant"
# shellcheck disable=SC2086 # CASES is a list of words
timeout 1200 dotnet "$work/cachememory/CacheMemory.dll" tenant "$tenant_port" "$audience" "$tokens" $CASES >"$work/tenant.log" 2>&1 &
pids+=($!)
wait_for_200 "$tenant/.well-known/jwks.json" 300 || { cat "$work/tenant.log" >&2; exit 1; }
cat "$work/tenant.log" >&2

status_kb() { awk -v f="$1:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$2/status"; }

# One fresh API per case, run in this shell (not a subshell), so the clean-up on exit knows its PID whatever fails.
# Sets idle, peak and end: RSS in MB when ready, VmHWM after the last answer, RSS then.
run_case() { # shape cache(true|false)
  local shape=$1 cache=$2 port api pid
  port=$(free_port)
  api="http://127.0.0.1:$port"
  (
    cd "$work/app"
    ASPNETCORE_ENVIRONMENT=Production AuthAction__Domain="$tenant" AuthAction__Audience="$audience" \
      AuthAction__TokenCache__Enabled="$cache" exec dotnet AuthActionApi.dll --urls "$api"
  ) >"$work/api.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_for_200 "$api/public" 60 || { cat "$work/api.log" >&2; exit 1; }
  sleep 2
  idle=$(status_kb VmRSS "$pid")
  helper send "$api" "$tokens/$shape.txt" "$CONNECTIONS" >&2 || { log "not every token was accepted"; tail -n 20 "$work/api.log" >&2; exit 1; }
  peak=$(status_kb VmHWM "$pid")
  end=$(status_kb VmRSS "$pid")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  unset 'pids[-1]'
}

worst=0
for spec in $CASES; do
  shape=${spec%%:*}
  count=${spec##*:}
  for cache in true false; do
    run_case "$shape" "$cache"
    log "$count x $shape, cache $( [[ $cache == true ]] && echo on || echo off ): idle RSS $idle MB, peak RSS (VmHWM) $peak MB, RSS at the end $end MB"
    summary+=" | $count $shape cache=$cache: idle ${idle}MB peak ${peak}MB end ${end}MB"
    if [[ $cache == true ]] && (( peak > worst )); then worst=$peak; fi
  done
done
summary+=" | worst peak with the cache on: ${worst}MB (limit 256MB)"
echo "$summary"
(( worst <= 256 )) || { log "peak RSS above 256 MB"; exit 1; }
