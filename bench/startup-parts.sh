#!/usr/bin/env bash
# What each part of the app costs a new instance before its first answer (issue 23): the API as it is, the same API
# with one part left out, and the vanilla baseline, each published as the container image holds it and started in
# interleaved rounds, one process at a time, against the same tenant on loopback. Per build: the median of
#   first_200   ms from launching the process to the first 200 on GET /protected with a valid token
#   idle_rss    VmRSS at that moment
# The parts left out, one build each, then the design card's two that cost (MVC and Serilog) in one build, then all four:
#   mvc         MVC controllers; the same three routes as minimal API endpoints instead (AppController stays, unused)
#   serilog     Serilog and its request logging; the host's default console logging instead, filtered as vanilla's
#   swagger     the OpenAPI folder and the two calls that register and serve it (Development only)
#   telemetry   the OpenTelemetry registration (AddApiTelemetry, MapApiTelemetry)
# Every build must still answer /protected with 200 before it counts. No load: bench/startup.sh measures that.
#
#   bench/startup-parts.sh             # 7 rounds, about 10 minutes (six publishes first); the table is the last lines
#   ROUNDS=11 bench/startup-parts.sh   # steadier medians
#
# Needs the .NET SDK; installs wrk with apt when missing (not used here, but the shared checks want it).
set -euo pipefail

ROUNDS=${ROUNDS:-7}

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t authactionapi-parts.XXXXXX)
pids=()

log() { printf '[parts] %s\n' "$*" >&2; }
# cleanup (on exit), require_load_tools, free_port, wait_for_200, publish_to, publish_app, publish_baseline,
# start_tenant, start_published, rss_mb, median, col_median.
source "$repo/bench/loopback.sh"

require_load_tools

# Replaces the line that is exactly $2 in file $1 with $3 (empty: deletes it); fails if no such line exists, so a
# renamed call stops the script instead of measuring a build that still has the part.
replace_line() {
  local file=$1 line=$2 with=$3
  grep -qxF -- "$line" "$file" || { log "no line '$line' in $file: update bench/startup-parts.sh"; exit 1; }
  awk -v line="$line" -v with="$with" '$0 == line { if (with != "") print with; next } { print }' "$file" >"$file.new"
  mv "$file.new" "$file"
}

without() { # part, source folder (the AuthActionApi project)
  local part=$1 src=$2
  case $part in
    mvc)
      replace_line "$src/Program.cs" 'builder.AddApiControllers();' ''
      replace_line "$src/Program.cs" 'app.MapControllers();' \
'app.MapGet("/public", () => new AuthActionApi.Controllers.MessageResponse("This is a public message!")).AllowAnonymous();
app.MapGet("/protected", () => new AuthActionApi.Controllers.MessageResponse("This is a protected message!")).RequireAuthorization();
app.MapGet("/protected/scoped", () => new AuthActionApi.Controllers.MessageResponse("This is a scoped message!")).WithMetadata(new AuthActionApi.Authorization.RequireScopeAttribute("read:messages"));'
      ;;
    serilog)
      replace_line "$src/Program.cs" 'builder.AddApiLogging();' 'builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);'
      replace_line "$src/Program.cs" 'app.UseApiRequestLogging(quietPaths: HealthCheckExtensions.Root);' ''
      ;;
    swagger)
      replace_line "$src/Program.cs" 'builder.AddApiDocumentation();' ''
      replace_line "$src/Program.cs" 'app.UseApiDocumentation();' ''
      replace_line "$src/Program.cs" 'using AuthActionApi.OpenApi;' ''
      rm -r "$src/OpenApi"
      ;;
    telemetry)
      replace_line "$src/Program.cs" 'builder.AddApiTelemetry(untracedPaths: HealthCheckExtensions.Root);' ''
      replace_line "$src/Program.cs" 'app.MapApiTelemetry();' ''
      ;;
  esac
}

# One build of this working tree without the given parts, published as publish_app publishes, into $work/$1.
publish_without() {
  local name=$1 part src
  shift
  rm -rf "$work/src-$name"
  mkdir -p "$work/src-$name"
  git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 tar -c) | tar -x -C "$work/src-$name"
  src="$work/src-$name/AuthActionApi"
  for part in "$@"; do without "$part" "$src"; done
  log "publishing without: $*"
  # Unused usings are left behind on purpose (fewer edits); the style analyzers would refuse them.
  publish_to "$src/AuthActionApi.csproj" "$work/$name" -p:TreatWarningsAsErrors=false
}

publish_app
publish_baseline
builds=(app baseline)
for part in mvc serilog swagger telemetry; do
  publish_without "no-$part" "$part"
  builds+=("no-$part")
done
publish_without no-card mvc serilog
builds+=(no-card)
publish_without no-all mvc serilog swagger telemetry
builds+=(no-all)

start_tenant

# One start of one build; prints "first_200_ms idle_rss_mb".
measure_start() {
  local which=$1 port server pid started first rss
  port=$(free_port)
  server="http://127.0.0.1:$port"
  started=$(date +%s%N)
  start_published "$work/$which" "$server" "$work/$which.log"
  wait_for_200 "$server/protected" 60 -H "Authorization: Bearer $token" || { cat "$work/$which.log" >&2; exit 1; }
  first=$(( ($(date +%s%N) - started) / 1000000 ))
  rss=$(rss_mb "$pid")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$first $rss"
}

for which in "${builds[@]}"; do : >"$work/$which.txt"; done
for (( round = 1; round <= ROUNDS; round++ )); do
  # Alternate the order, so no build always starts right after the same one.
  order=("${builds[@]}")
  if (( round % 2 == 0 )); then
    order=()
    for (( i = ${#builds[@]} - 1; i >= 0; i-- )); do order+=("${builds[$i]}"); done
  fi
  for which in "${order[@]}"; do
    measure_start "$which" >>"$work/$which.txt"
  done
  log "round $round of $ROUNDS done"
done

app_first=$(col_median 1 "$work/app.txt")
app_rss=$(col_median 2 "$work/app.txt")
printf '\n%-12s %14s %14s %16s %16s\n' build 'first 200 ms' 'vs app ms' 'idle RSS MB' 'vs app MB'
for which in "${builds[@]}"; do
  first=$(col_median 1 "$work/$which.txt")
  rss=$(col_median 2 "$work/$which.txt")
  awk -v w="$which" -v f="$first" -v r="$rss" -v af="$app_first" -v ar="$app_rss" \
    'BEGIN { printf "%-12s %14d %+14d %16.1f %+16.1f\n", w, f, f - af, r, r - ar }'
done
