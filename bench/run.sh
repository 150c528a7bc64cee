#!/usr/bin/env bash
# The relay benchmark: direct vs nginx vs HAProxy vs Spring Cloud Gateway vs the gateway, in one interleaved
# run. Run by hand (never from `mvn verify` or CI); see docs/benchmark.md.
#
#   bench/run.sh                       # gateway on WildFly, 127.0.0.1:8080 (management 9990)
#   GATEWAY_PORT=8280 bench/run.sh     # with a WildFly port offset of 200 (management 10190), when 8080 is busy
#   BENCH_SERVER=liberty bench/run.sh  # the gateway on Open Liberty (`mvn -Pliberty liberty:run`), HTTP 8080, HTTPS 8443
#   BENCH_SERVER=payara GATEWAY_PORT=8680 bench/run.sh  # on Payara Micro (`mvn -Ppayara package payara-micro:start`,
#                                      # --nocluster, 127.0.0.1 only), HTTP 8680, HTTPS 9043 (GATEWAY_PORT + 363)
#
# Starts, each in its own process group: the echo backend (node, 127.0.0.1:$BACKEND_PORT), nginx in the
# foreground with bench/nginx.conf.in (127.0.0.1:$NGINX_PORT), HAProxy in the foreground with
# bench/haproxy.cfg.in (127.0.0.1:$HAPROXY_PORT), Spring Cloud Gateway (bench/peers/scg, -Xmx1g,
# 127.0.0.1:$SCG_PORT), and the gateway on the server BENCH_SERVER names (wildfly: `mvn wildfly:run` with a
# port offset; liberty: `mvn -Pliberty liberty:run`; payara: `mvn -Ppayara package payara-micro:start`; the
# last two with -Dgateway.http.port=$GATEWAY_PORT -Dgateway.https.port=$GATEWAY_HTTPS_PORT and readiness on
# that HTTP port's /health/ready); creates the route /bench -> the backend over the admin API; runs
# bench/bench.js; and stops everything it started on exit, failure or Ctrl-C, the server's JVM by its pid too.
# On Liberty and Payara the table's gateway columns read "gateway (liberty)" / "gateway (payara)".
# Knobs (environment): BENCH_SERVER (wildfly|liberty|payara, default wildfly), GATEWAY_PORT (8080),
# GATEWAY_HTTPS_PORT (GATEWAY_PORT + 363: 8443 for 8080; on WildFly always 8443 + the offset),
# BACKEND_PORT (9301), NGINX_PORT (9302), HAPROXY_PORT (9303), SCG_PORT (9304),
# BENCH_PEERS ("nginx haproxy scg": the peers to start; "" for none), GATEWAY_SOURCE (the gateway
# project to run, default this checkout: point it at an export of another commit to compare builds),
# BENCH_CELLS, BENCH_TARGETS, BENCH_ROUNDS (3), BENCH_SECONDS (2), BENCH_IDLE_CONNS (5000),
# BENCH_STORM_CONNS (5000), BENCH_STORM_CONCURRENCY (200), BENCH_PROFILE (1), GATEWAY_ADMIN_PASSWORD (admin).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
GATEWAY_PORT=${GATEWAY_PORT:-8080}
BACKEND_PORT=${BACKEND_PORT:-9301}
NGINX_PORT=${NGINX_PORT:-9302}
HAPROXY_PORT=${HAPROXY_PORT:-9303}
SCG_PORT=${SCG_PORT:-9304}
BENCH_PEERS=${BENCH_PEERS-nginx haproxy scg} # set but empty: no peer
GATEWAY_SOURCE=$(cd "${GATEWAY_SOURCE:-$ROOT}" && pwd)
peer() { [[ " $BENCH_PEERS " == *" $1 "* ]]; }
ADMIN_PASSWORD=${GATEWAY_ADMIN_PASSWORD:-admin}
BENCH_SERVER=${BENCH_SERVER:-wildfly}
case "$BENCH_SERVER" in
  wildfly)
    if [ "$GATEWAY_PORT" -lt 8080 ]; then echo "GATEWAY_PORT must be 8080 or more (WildFly port offset)" >&2; exit 1; fi
    OFFSET=$((GATEWAY_PORT - 8080))
    MGMT_PORT=$((9990 + OFFSET))
    GATEWAY_HTTPS_PORT=$((8443 + OFFSET))
    ;;
  liberty|payara)
    GATEWAY_HTTPS_PORT=${GATEWAY_HTTPS_PORT:-$((GATEWAY_PORT + 363))}
    MGMT_PORT= # health is on the HTTP port
    ;;
  *) echo "BENCH_SERVER must be wildfly, liberty or payara (not '$BENCH_SERVER')" >&2; exit 1 ;;
esac
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/bench/results/$STAMP
mkdir -p "$OUT/nginx" "$OUT/haproxy"
T_START=$(date +%s)
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# ---------- preconditions ----------
if peer nginx; then command -v nginx >/dev/null || { echo "nginx not found: apt-get install -y nginx-light (or leave it out: BENCH_PEERS)" >&2; exit 1; }; fi
if peer haproxy; then command -v haproxy >/dev/null || { echo "haproxy not found: apt-get install -y haproxy (or leave it out: BENCH_PEERS)" >&2; exit 1; }; fi
command -v jcmd >/dev/null || { echo "jcmd not found (a JDK 17+ is needed)" >&2; exit 1; }
SCG_JAR=$ROOT/bench/peers/scg/target/scg-peer.jar
if peer scg && [ ! -f "$SCG_JAR" ]; then
  log "building the Spring Cloud Gateway peer (bench/peers/scg, from Maven Central; once)"
  (cd bench/peers/scg && mvn -B -q package -DskipTests) >&2 || { echo "building bench/peers/scg failed" >&2; exit 1; }
fi
[ -d bench/node_modules/ws ] || { echo "run 'npm ci' in bench/ first" >&2; exit 1; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORTS=("$BACKEND_PORT")
peer nginx && PORTS+=("$NGINX_PORT")
peer haproxy && PORTS+=("$HAPROXY_PORT")
peer scg && PORTS+=("$SCG_PORT")
for p in "${PORTS[@]}" "$GATEWAY_PORT" "$GATEWAY_HTTPS_PORT" $MGMT_PORT; do
  if port_busy "$p"; then
    echo "port 127.0.0.1:$p is already in use; pick others (GATEWAY_PORT=8280 for WildFly with offset 200, GATEWAY_HTTPS_PORT on Liberty/Payara, BACKEND_PORT, NGINX_PORT, HAPROXY_PORT, SCG_PORT)" >&2
    exit 1
  fi
done
# 5,000 idle connections: 5,000 sockets in the client and the backend, 10,000 in a proxy.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $(( ${BENCH_IDLE_CONNS:-5000} * 2 + 1000 )) ]; then
  echo "open-file limit $(ulimit -n) is too low for ${BENCH_IDLE_CONNS:-5000} idle connections through a proxy" >&2
  exit 1
fi

# ---------- process bookkeeping: every process group we start, stopped on exit ----------
GROUPS_STARTED=()
start_group() { # name logfile command...
  local name=$1 logfile=$2; shift 2
  setsid "$@" >"$logfile" 2>&1 < /dev/null &
  local pid=$!
  # a background job of a non-interactive shell is not a group leader, so setsid does not fork:
  # the pid is the new process group's id. Check it.
  sleep 0.2
  if [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" != "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "$name: not in its own process group" >&2; exit 1
  fi
  GROUPS_STARTED+=("$name:$pid")
  eval "${name}_PGID=$pid"
}
stop_group() { # name pgid
  local name=$1 pgid=$2
  kill -0 -- -"$pgid" 2>/dev/null || return 0
  kill -TERM -- -"$pgid" 2>/dev/null || true
  for _ in $(seq 1 40); do # WildFly shuts down gracefully on SIGTERM; give it 20 s
    kill -0 -- -"$pgid" 2>/dev/null || { log "stopped $name"; return 0; }
    sleep 0.5
  done
  log "$name did not stop on SIGTERM; killing its process group"
  kill -KILL -- -"$pgid" 2>/dev/null || true
  sleep 0.5
}
# The server's JVM, once known (GATEWAY_PID): stopped by its pid as well, in case it left the process group
# (a server that daemonizes, or is started by a launcher that forks it into a session of its own).
GATEWAY_PID=
stop_gateway_jvm() {
  [ -n "$GATEWAY_PID" ] && kill -0 "$GATEWAY_PID" 2>/dev/null || return 0
  log "the $BENCH_SERVER JVM $GATEWAY_PID outlived its process group; stopping it by its pid"
  kill -TERM "$GATEWAY_PID" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$GATEWAY_PID" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL "$GATEWAY_PID" 2>/dev/null || true
  sleep 0.5
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local i entry
  for (( i=${#GROUPS_STARTED[@]}-1; i>=0; i-- )); do
    entry=${GROUPS_STARTED[$i]}
    stop_group "${entry%%:*}" "${entry##*:}"
  done
  stop_gateway_jvm
  local left=""
  for entry in "${GROUPS_STARTED[@]}"; do
    left+=$(ps -o pid=,args= -g "${entry##*:}" 2>/dev/null || true)
  done
  if [ -n "$GATEWAY_PID" ]; then left+=$(ps -o pid=,args= -p "$GATEWAY_PID" 2>/dev/null || true); fi
  # anything still running from this server's directory (reported, not killed: it is not ours by pid)
  if [ -n "${SERVER_DIR:-}" ]; then
    left+=$(ps -eo pid=,args= | awk -v d="$SERVER_DIR" 'index($0, d) && !/awk -v d=/' || true)
  fi
  if [ -n "$left" ]; then
    echo "WARNING: processes started by the benchmark are still running:" >&2; echo "$left" >&2
  elif [ ${#GROUPS_STARTED[@]} -gt 0 ]; then
    log "checked with ps: none of the processes the benchmark started is left (groups ${GROUPS_STARTED[*]})"
  fi
  log "total time $(( $(date +%s) - T_START )) s; logs and results in $OUT"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------- backend ----------
log "starting the echo backend on 127.0.0.1:$BACKEND_PORT"
start_group backend "$OUT/backend.log" node bench/backend.js "$BACKEND_PORT"

# ---------- nginx ----------
if peer nginx; then
  log "starting nginx on 127.0.0.1:$NGINX_PORT ($(nginx -v 2>&1 | sed 's/.*: //'))"
  sed -e "s#@NGINX_PORT@#$NGINX_PORT#g" -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" -e "s#@RUN_DIR@#$OUT/nginx#g" \
    bench/nginx.conf.in > "$OUT/nginx/nginx.conf"
  start_group nginx "$OUT/nginx/stdout.log" nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" -e "$OUT/nginx/error.log"
fi

# ---------- HAProxy ----------
if peer haproxy; then
  log "starting HAProxy on 127.0.0.1:$HAPROXY_PORT ($(haproxy -v 2>&1 | head -1))"
  sed -e "s#@HAPROXY_PORT@#$HAPROXY_PORT#g" -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" bench/haproxy.cfg.in > "$OUT/haproxy/haproxy.cfg"
  haproxy -c -q -f "$OUT/haproxy/haproxy.cfg" || { echo "bench/haproxy.cfg.in is not valid for this HAProxy" >&2; exit 1; }
  start_group haproxy "$OUT/haproxy/haproxy.log" haproxy -db -f "$OUT/haproxy/haproxy.cfg"
fi

# ---------- Spring Cloud Gateway ----------
if peer scg; then
  log "starting Spring Cloud Gateway on 127.0.0.1:$SCG_PORT (-Xmx1g)"
  start_group scg "$OUT/scg.log" env SCG_PORT="$SCG_PORT" BACKEND_PORT="$BACKEND_PORT" java -Xmx1g -jar "$SCG_JAR"
fi

# ---------- the gateway on $BENCH_SERVER ----------
# Each run command is the README's, without the unit tests; on Liberty and Payara with the ports as
# -Dgateway.http.port/-Dgateway.https.port (the pom's liberty and payara profiles pass them to the server).
case "$BENCH_SERVER" in
  wildfly)
    log "starting WildFly with the gateway (mvn wildfly:run) on 127.0.0.1:$GATEWAY_PORT, management $MGMT_PORT"
    SERVER_ARGS=(-B wildfly:run -DskipTests "-Dwildfly.port=$MGMT_PORT")
    [ "$OFFSET" -ne 0 ] && SERVER_ARGS+=("-Dwildfly.serverArgs=-Djboss.socket.binding.port-offset=$OFFSET")
    SERVER_DIR= # (WildFly's JVM never leaves its group; a WildFly run by hand from the same checkout may share the path)
    ;;
  liberty)
    log "starting Open Liberty with the gateway (mvn -Pliberty liberty:run) on 127.0.0.1:$GATEWAY_PORT, HTTPS $GATEWAY_HTTPS_PORT"
    SERVER_ARGS=(-B -Pliberty liberty:run -DskipTests "-Dgateway.http.port=$GATEWAY_PORT" "-Dgateway.https.port=$GATEWAY_HTTPS_PORT")
    SERVER_DIR=$GATEWAY_SOURCE/target/liberty/wlp
    ;;
  payara)
    # the pom's payara profile runs Payara Micro with --nocluster, its listeners on 127.0.0.1 (pre-boot
    # commands) and --port/--sslport from these two properties
    log "starting Payara Micro with the gateway (mvn -Ppayara package payara-micro:start, --nocluster) on 127.0.0.1:$GATEWAY_PORT, HTTPS $GATEWAY_HTTPS_PORT"
    SERVER_ARGS=(-B -Ppayara package payara-micro:start -DskipTests "-Dgateway.http.port=$GATEWAY_PORT" "-Dgateway.https.port=$GATEWAY_HTTPS_PORT")
    SERVER_DIR=$GATEWAY_SOURCE/target/payara-run/root
    ;;
esac
SERVER_LOG=$OUT/$BENCH_SERVER.log
start_group "$BENCH_SERVER" "$SERVER_LOG" env GATEWAY_ADMIN_PASSWORD="$ADMIN_PASSWORD" mvn -f "$GATEWAY_SOURCE/pom.xml" "${SERVER_ARGS[@]}"
eval "SERVER_PGID=\$${BENCH_SERVER}_PGID"

wait_until() { # description timeout-seconds command...
  local what=$1 limit=$2; shift 2
  local deadline=$(( $(date +%s) + limit ))
  until "$@"; do
    if [ "$(date +%s)" -gt "$deadline" ]; then echo "timed out after $limit s waiting for $what" >&2; return 1; fi
    sleep 1
  done
}
wait_until "the backend" 20 port_busy "$BACKEND_PORT"
NGINX_MASTER_PID=
if peer nginx; then
  wait_until "nginx" 20 port_busy "$NGINX_PORT"
  NGINX_MASTER_PID=$(cat "$OUT/nginx/nginx.pid")
fi
HAPROXY_PID=
if peer haproxy; then
  wait_until "HAProxy (see $OUT/haproxy/haproxy.log)" 20 port_busy "$HAPROXY_PORT"
  HAPROXY_PID=$haproxy_PGID # haproxy -db runs as one (multi-threaded) process: the group leader
fi
SCG_PID=
if peer scg; then
  wait_until "Spring Cloud Gateway" 120 port_busy "$SCG_PORT"
  SCG_PID=$scg_PGID
fi
gateway_ready() {
  if grep -q "BUILD FAILURE" "$SERVER_LOG" || ! kill -0 "$SERVER_PGID" 2>/dev/null; then
    echo "mvn ${SERVER_ARGS[*]} failed; see $SERVER_LOG" >&2; exit 1
  fi
  case "$BENCH_SERVER" in
    wildfly)
      # wildfly:run (re)deploys the WAR after the server has started; a previous run's deployment is booted
      # first and then replaced, so wait for "Deployed" / "Replaced deployment" after "started in", then ready.
      awk '/WFLYSRV0025/ { s = 1 } s && /WFLYSRV00(10|16)/ { f = 1 } END { exit !f }' "$SERVER_LOG" &&
        curl -sf "http://127.0.0.1:$MGMT_PORT/health/ready" 2>/dev/null | grep -q '"ws-gateway-routes","status":"UP"'
      ;;
    *)
      # Liberty and Payara serve MicroProfile Health on the HTTP port; 200 means every readiness check is UP,
      # and the gateway's own check must be among them (the server's health answers before the WAR is deployed)
      curl -sf "http://127.0.0.1:$GATEWAY_PORT/health/ready" 2>/dev/null | grep -q '"ws-gateway-routes"'
      ;;
  esac
}
wait_until "the gateway to be ready" 600 gateway_ready
# The server's JVM, for RSS, heap and JFR: in the process group, or below Maven if it made a group of its own
case "$BENCH_SERVER" in
  wildfly) JVM_PATTERN='jboss-modules[.]jar' ;;
  liberty) JVM_PATTERN='ws-server[.]jar' ;;
  payara)  JVM_PATTERN='-jar [^ ]*payara-micro[^ ]*[.]jar' ;;
esac
descendants() { local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$c"; descendants "$c"; done; }
GATEWAY_PID=$(ps -o pid=,args= -g "$SERVER_PGID" | awk -v re="$JVM_PATTERN" '$0 ~ re { print $1; exit }')
if [ -z "$GATEWAY_PID" ]; then
  for c in $(descendants "$SERVER_PGID"); do
    if ps -o args= -p "$c" 2>/dev/null | grep -Eq -- "$JVM_PATTERN"; then GATEWAY_PID=$c; break; fi
  done
fi
[ -n "$GATEWAY_PID" ] || { echo "cannot find the $BENCH_SERVER JVM (/$JVM_PATTERN/) in process group $SERVER_PGID" >&2; exit 1; }
if [ "$(ps -o pgid= -p "$GATEWAY_PID" | tr -d ' ')" != "$SERVER_PGID" ]; then
  log "note: the $BENCH_SERVER JVM $GATEWAY_PID is not in process group $SERVER_PGID; it is stopped by its pid on exit"
fi
case "$BENCH_SERVER" in
  wildfly) log "gateway ready after $(( $(date +%s) - T_START )) s (WildFly JVM pid $GATEWAY_PID)" ;;
  *) log "gateway ready after $(( $(date +%s) - T_START )) s ($BENCH_SERVER JVM pid $GATEWAY_PID)" ;;
esac

# the route /bench -> the backend (created, or replaced if a previous run left it in the route store)
ROUTE='{"id":"bench","path":"/bench","backend":"ws://127.0.0.1:'"$BACKEND_PORT"'","description":"relay benchmark"}'
API=http://127.0.0.1:$GATEWAY_PORT/api/admin/routes
code=$(curl -s -o "$OUT/route.json" -w '%{http_code}' -u "admin:$ADMIN_PASSWORD" -H 'Content-Type: application/json' "$API" -d "$ROUTE")
if [ "$code" = 409 ]; then
  code=$(curl -s -o "$OUT/route.json" -w '%{http_code}' -u "admin:$ADMIN_PASSWORD" -X PUT -H 'Content-Type: application/json' "$API/bench" -d "$ROUTE")
fi
case "$code" in 200|201) log "route /bench -> ws://127.0.0.1:$BACKEND_PORT ($code)";; *) echo "creating the route failed: HTTP $code $(cat "$OUT/route.json")" >&2; exit 1;; esac

# ---------- machine ----------
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "nproc: $(nproc)"; free -h; echo "uptime before: $(uptime)"
  echo "node $(node -v), ws $(node -p "require('./bench/node_modules/ws/package.json').version"), $(nginx -v 2>&1), $(haproxy -v 2>&1 | head -1), $(java -version 2>&1 | head -1)"
  echo "gateway server: $BENCH_SERVER"
  echo "gateway source: $GATEWAY_SOURCE ($(git -C "$GATEWAY_SOURCE" rev-parse --short HEAD 2>/dev/null || cat "$GATEWAY_SOURCE/COMMIT" 2>/dev/null || echo unknown))"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

# ---------- the run ----------
export BENCH_DIRECT_URL=ws://127.0.0.1:$BACKEND_PORT
peer nginx && export BENCH_NGINX_URL=ws://127.0.0.1:$NGINX_PORT
peer haproxy && export BENCH_HAPROXY_URL=ws://127.0.0.1:$HAPROXY_PORT
peer scg && export BENCH_SCG_URL=ws://127.0.0.1:$SCG_PORT
export BENCH_GATEWAY_URL=ws://127.0.0.1:$GATEWAY_PORT/ws/bench
export BENCH_SERVER
export GATEWAY_ADMIN_URL=http://127.0.0.1:$GATEWAY_PORT/api/admin GATEWAY_ADMIN_AUTH="admin:$ADMIN_PASSWORD"
export NGINX_MASTER_PID HAPROXY_PID SCG_PID GATEWAY_PID BENCH_OUT=$OUT
# In its own process group (with its driver children) and waited for with `wait`, so that a signal to this
# script alone runs the trap at once; the trap stops this group first.
set +e
setsid node bench/bench.js &
bench_PGID=$!
GROUPS_STARTED+=("bench:$bench_PGID")
wait "$bench_PGID"
rc=$?
set -e
echo "uptime after: $(uptime)" | tee -a "$OUT/machine.txt"
echo "machine: $(nproc) cores, shared; see $OUT/machine.txt"
exit $rc
