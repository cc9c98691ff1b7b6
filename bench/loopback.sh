# Shared by bench/run.sh, bench/startup.sh and deploy/rolling-restart.sh, and sourced by them: the processes they start on 127.0.0.1,
# a tenant among them, and the clean-up that ends only those. The caller sets `repo`, `work`, `pids=()` and a `log`
# function first.

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# What a load run needs: wrk (installed with apt when missing), curl, dotnet and awk; and the SDK kept quiet.
require_load_tools() {
  if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  fi
  local tool
  for tool in curl dotnet awk; do
    command -v "$tool" >/dev/null 2>&1 || { log "$tool is required"; exit 1; }
  done
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
}

# A port nobody listens on: random, checked with a connection attempt, and below the kernel's ephemeral range, where
# wrk's and curl's own client sockets take theirs (one of those, taken between the check and the bind, once stopped a
# run with "address already in use").
free_port() {
  local port tries=0 ephemeral
  ephemeral=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  (( ephemeral > 21000 )) || ephemeral=32768
  while (( tries++ < 100 )); do
    port=$(( 20000 + RANDOM % (ephemeral - 20000) ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  log "no free port found"
  exit 1
}

# Waits (at most $2 seconds) until $1 answers 200; further arguments go to curl.
wait_for_200() {
  local url=$1 deadline=$(( $(date +%s) + $2 ))
  shift 2
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$@" "$url" || true) == 200 ]]; do
    if (( $(date +%s) > deadline )); then
      log "no 200 from $url"
      return 1
    fi
    sleep 0.01
  done
}

# Publishes project $1 into folder $2 as the container image holds the app: Release, for this machine's runtime
# identifier (linux-x64 here, so ReadyToRun applies), framework-dependent. Further arguments go to dotnet publish.
publish_to() {
  local project=$1 folder=$2
  shift 2
  dotnet publish "$project" -c Release --use-current-runtime --self-contained false -o "$folder" --nologo -v quiet "$@" \
    >"$work/publish.log" 2>&1 || { cat "$work/publish.log" >&2; exit 1; }
}

# The API of this working tree, into $work/app.
publish_app() {
  log "publishing Release"
  publish_to "$repo/AuthActionApi/AuthActionApi.csproj" "$work/app"
}

# The vanilla minimal API with JwtBearer (bench/Baseline), into $work/baseline.
publish_baseline() {
  log "publishing the vanilla baseline"
  publish_to "$repo/bench/Baseline/Baseline.csproj" "$work/baseline"
}

# The API of commit $1, into $work/before.
publish_before() {
  log "publishing $1 as 'before'"
  mkdir -p "$work/before-src"
  git -C "$repo" archive "$1" | tar -x -C "$work/before-src"
  publish_to "$work/before-src/AuthActionApi/AuthActionApi.csproj" "$work/before"
}

# Starts the build published in folder $1 in Production against the tenant, listening on $2, its output in file $3;
# further arguments (NAME=value) are added to its environment. The vanilla baseline (a folder with Baseline.dll)
# trusts the tenant as Authority and Audience; the API reads them as its AuthAction settings, and does not drain on
# stop (Shutdown:DrainDelay), so the next start need not wait for it. Sets `pid`.
start_published() {
  local folder=$1 url=$2 output=$3
  shift 3
  if [[ -f $folder/Baseline.dll ]]; then
    (cd "$folder" && exec env ASPNETCORE_ENVIRONMENT=Production Authority="$tenant" Audience="$audience" "$@" \
      dotnet Baseline.dll --urls "$url") >"$output" 2>&1 &
  else
    (cd "$folder" && exec env ASPNETCORE_ENVIRONMENT=Production AuthAction__Domain="$tenant" AuthAction__Audience="$audience" \
      Shutdown__DrainDelay=00:00:00 "$@" dotnet AuthActionApi.dll --urls "$url") >"$output" 2>&1 &
  fi
  pid=$!
  pids+=("$pid")
}

# The tenant: a second copy of the app in Development, whose local tenant serves the JWKS and issues tokens. Sets
# `tenant` (its address), `audience` and `token` (a local-reader token for that audience).
start_tenant() {
  tenant="http://127.0.0.1:$(free_port)"
  log "starting the tenant (local tenant, Development) on $tenant"
  (
    cd "$work/app"
    ASPNETCORE_ENVIRONMENT=Development LocalTenant__Address="$tenant" \
      exec dotnet AuthActionApi.dll --urls "$tenant"
  ) >"$work/tenant.log" 2>&1 &
  pids+=($!)
  wait_for_200 "$tenant/.well-known/jwks.json" 60 || { cat "$work/tenant.log" >&2; exit 1; }

  audience=https://authactionapi.local/api
  token=$(curl -s -X POST "$tenant/oauth2/m2m/token" -H 'Content-Type: application/json' \
    -d "{\"client_id\":\"local-reader\",\"client_secret\":\"local-reader-secret\",\"audience\":\"$audience\",\"grant_type\":\"client_credentials\"}" \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  [[ $token == *.*.* ]] || { log "the tenant issued no token"; exit 1; }
}

# VmRSS of process $1, in MB.
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# The median of the numbers on standard input, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The median of column $1 of file $2.
col_median() { awk -v c="$1" '{ print $c }' "$2" | median; }
