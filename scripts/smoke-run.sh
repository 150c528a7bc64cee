#!/usr/bin/env bash
# Smoke test of a README run command: starts it, waits until the demo route ws://127.0.0.1:8080/ws/echo
# echoes, prints how long that took, and stops the server again (its whole process group, also on failure
# or Ctrl-C). Needs Node 20+ for its WebSocket client.
#   scripts/smoke-run.sh [wildfly|liberty|payara]     (default: wildfly)
set -euo pipefail
cd "$(dirname "$0")/.."
server=${1:-wildfly}
case "$server" in
  wildfly) run=(mvn -B wildfly:run) ;;
  liberty) run=(mvn -B -Pliberty liberty:run) ;;
  payara)  run=(mvn -B -Ppayara package payara-micro:start) ;;
  *) echo "usage: $0 [wildfly|liberty|payara]" >&2; exit 2 ;;
esac
log=target/smoke-run-$server.log
mkdir -p target
start=$(date +%s)
setsid "${run[@]}" > "$log" 2>&1 &
pgid=$!
stop_server() {
  kill -- -"$pgid" 2>/dev/null || return 0
  # WildFly shuts down gracefully on SIGTERM; wait for every process of the group, then insist.
  for _ in $(seq 1 30); do
    kill -0 -- -"$pgid" 2>/dev/null || return 0
    sleep 1
  done
  kill -KILL -- -"$pgid" 2>/dev/null || true
}
trap stop_server EXIT

echo_once() {
  node --experimental-websocket -e "
    const w = new WebSocket('ws://127.0.0.1:8080/ws/echo');
    w.onopen = () => w.send('smoke');
    w.onmessage = e => process.exit(e.data === 'smoke' ? 0 : 1);
    w.onerror = () => process.exit(1);
    setTimeout(() => process.exit(1), 3000);" 2>/dev/null
}

deadline=$((start + 600))
until echo_once; do
  if ! kill -0 "$pgid" 2>/dev/null || grep -q "BUILD FAILURE" "$log"; then
    echo "smoke-run ($server): the run command failed; see $log" >&2
    exit 1
  fi
  if [ "$(date +%s)" -gt "$deadline" ]; then
    echo "smoke-run ($server): no echo within 600 s; see $log" >&2
    exit 1
  fi
  sleep 1
done
echo "smoke-run ($server): ws://127.0.0.1:8080/ws/echo echoed $(( $(date +%s) - start )) s after: ${run[*]}"
