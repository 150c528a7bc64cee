#!/usr/bin/env bash
# CPU and context switches per relayed message, and per round trip, of the gateway on WildFly: one build, one
# setting, no peers. For A/B comparisons of a setting on the same build, run it once per value, e.g.
#
#   GATEWAY_BACKEND_COLOCATE=true  bench/cpu-per-message.sh
#   GATEWAY_BACKEND_COLOCATE=false bench/cpu-per-message.sh
#
# (any gateway setting can be given as an environment variable; the server inherits them). Starts the bench echo
# backend (127.0.0.1:$BACKEND_PORT) and `mvn wildfly:run` with a port offset of 200 (HTTP 8280, management 10190),
# warms up (40 s of 50 connections, 10 s of one), then ROUNDS (3) rounds of: 50 connections x 4 in flight x 1 KiB
# for 8 s; one connection, 1 KiB round trips for 5 s. CPU is the server JVM's utime+stime (/proc/<pid>/stat),
# context switches the sum over its threads (/proc/<pid>/task/*/status); a relayed message is one direction of one
# echo. Stops what it started. Run by hand on an otherwise idle machine (docs/benchmark.md).
set -u
cd "$(dirname "$0")/.."
BACKEND_PORT=${BACKEND_PORT:-9311}
OUT=$(mktemp -d /tmp/cpu-per-message.XXXXXX)
setsid node bench/backend.js "$BACKEND_PORT" > "$OUT/backend.log" 2>&1 & BPID=$!
GATEWAY_ADMIN_PASSWORD=admin setsid mvn -B wildfly:run -DskipTests -Dwildfly.port=10190 \
  -Dwildfly.serverArgs=-Djboss.socket.binding.port-offset=200 > "$OUT/wildfly.log" 2>&1 & WPID=$!
server_pid() { pgrep -f "jboss.home.dir=$PWD/target/wildfly-run" | head -1; }
cleanup() {
  local j; j=$(server_pid)
  kill -- -"$WPID" 2>/dev/null; [ -n "$j" ] && kill "$j"; kill -- -"$BPID" 2>/dev/null
}
trap cleanup EXIT
for _ in $(seq 1 180); do
  curl -sf http://127.0.0.1:10190/health/ready 2>/dev/null | grep -q ws-gateway-routes && break
  sleep 1
done
sleep 8 # wildfly:run replaces the deployment once after start
ROUTE='{"id":"bench","path":"/bench","backend":"ws://127.0.0.1:'"$BACKEND_PORT"'"}'
curl -s -o /dev/null -u admin:admin -H 'Content-Type: application/json' http://127.0.0.1:8280/api/admin/routes -d "$ROUTE"
curl -s -o /dev/null -u admin:admin -X PUT -H 'Content-Type: application/json' http://127.0.0.1:8280/api/admin/routes/bench -d "$ROUTE"
JPID=$(server_pid)
echo "server pid $JPID; logs in $OUT"
cpu() { awk '{print $14 + $15}' "/proc/$JPID/stat"; }
ctx() { cat /proc/"$JPID"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }
URL=ws://127.0.0.1:8280/ws/bench/echo
TPUT='{"mode":"tput","url":"'$URL'","conns":50,"window":4,"sizes":[1024],"warmupSeconds":0.5,"openConcurrency":10,"timeoutSeconds":120'
RTT='{"mode":"rtt","url":"'$URL'","size":1024,"minSamples":200,"warmupSeconds":0.3,"maxMessages":2000000,"timeoutSeconds":60'
node bench/driver.js "$TPUT,\"seconds\":40}" > /dev/null
node bench/driver.js "$RTT,\"seconds\":10,\"maxSeconds\":10}" > /dev/null
grep -ho 'backend connections go on [^(]*([^)]*)' "$OUT/wildfly.log" | tail -1 # logged at the first handshake
TICK=$(getconf CLK_TCK)
for r in $(seq 1 "${ROUNDS:-3}"); do
  c0=$(cpu); x0=$(ctx)
  out=$(node bench/driver.js "$TPUT,\"seconds\":8}")
  c1=$(cpu); x1=$(ctx)
  echo "$out" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0)); const x = r.results[1024] || {};
    const relayed = 2 * x.messages, cpuMs = (process.argv[1] * 1000) / process.argv[3];
    console.log(`throughput round ${process.argv[4]}: ${Math.round(x.msgsPerSec)} echoes/s, ok=${r.ok}, ` +
      `${(cpuMs * 1000 / relayed).toFixed(1)} ms CPU per 1,000 relayed messages, ` +
      `${(process.argv[2] / relayed).toFixed(2)} context switches per relayed message`);' \
    "$((c1 - c0))" "$((x1 - x0))" "$TICK" "$r"
  c0=$(cpu); x0=$(ctx)
  out=$(node bench/driver.js "$RTT,\"seconds\":5,\"maxSeconds\":5}")
  c1=$(cpu); x1=$(ctx)
  echo "$out" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0));
    const cpuUs = (process.argv[1] * 1e6) / process.argv[3];
    console.log(`rtt round ${process.argv[4]}: p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, ok=${r.ok}, ` +
      `${Math.round(cpuUs / r.samples)} us CPU and ${(process.argv[2] / r.samples).toFixed(2)} context switches per round trip`);' \
    "$((c1 - c0))" "$((x1 - x0))" "$TICK" "$r"
done
