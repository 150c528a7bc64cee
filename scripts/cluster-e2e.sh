#!/usr/bin/env bash
# End-to-end check of cluster mode: two WildFly instances (port offsets 300 and 400) with the gateway WAR and
# gateway.store=postgresql share one PostgreSQL (Debian's binaries, a throw-away data directory), behind
# HAProxy on 127.0.0.1:8600; scripts/cluster-e2e.mjs (Node 20+) then checks, through real WebSocket clients:
# a route created on one instance is served by the other; a per-identity connection cap holds across
# instances; a key revoked on one instance closes a session held by the other within 1 s (and measures that
# over 100 revocations); killing one instance leaves the other serving, and its slots are freed. A third
# instance with the file store serves to compare handshakes/s of an apiKey + rateLimit route (same run).
# Everything binds 127.0.0.1. Run it under the shared server lock, after `mvn -o package`:
#   flock /tmp/ws-gateway-server.lock scripts/cluster-e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
war=target/ws-gateway.war
[ -f "$war" ] || { echo "build the WAR first: mvn -o package -DskipTests" >&2; exit 2; }
zip=$(ls ~/.m2/repository/org/wildfly/wildfly-dist/39.0.1.Final/wildfly-dist-39.0.1.Final.zip)
pgbin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
work=$(mktemp -d /tmp/ws-gateway-cluster-e2e.XXXXXX)
pgport=25433 # below the kernel's ephemeral range (32768-60999): a client socket of an earlier step can hold a port there
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 30); do kill -0 -- -"$p" 2>/dev/null || break; sleep 1; done
    kill -KILL -- -"$p" 2>/dev/null || true
  done
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

echo "== PostgreSQL on 127.0.0.1:$pgport"
mkdir -p "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work" "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg" -A trust -U postgres --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -w -l "$work/pg/server.log" \
  -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
  { echo "PostgreSQL did not start; its log:" >&2; tail -20 "$work/pg/server.log" >&2; exit 1; }
as_pg "$pgbin/psql" -h 127.0.0.1 -p $pgport -U postgres -qc "CREATE DATABASE gateway" >/dev/null

start_instance() { # name offset [store]
  local dir=$work/$1
  mkdir -p "$dir"; unzip -q "$zip" -d "$dir"
  local home=$dir/wildfly-39.0.1.Final
  "$home/bin/add-user.sh" -a -s -u admin -p admin -g gateway-admin >/dev/null
  cp "$war" "$home/standalone/deployments/"
  GATEWAY_STORE=${3:-postgresql} GATEWAY_STORE_JDBC_URL="jdbc:postgresql://127.0.0.1:$pgport/gateway" \
  GATEWAY_STORE_USER=postgres GATEWAY_CLUSTER_INSTANCE_ID=$1 GATEWAY_CLUSTER_DEAD_AFTER_SECONDS=5 \
  GATEWAY_DEMO_ENABLED=true JAVA_OPTS="-Xms128m -Xmx512m" \
    setsid "$home/bin/standalone.sh" -c standalone-microprofile.xml -Djboss.socket.binding.port-offset=$2 \
      -Djboss.bind.address=127.0.0.1 -Djboss.bind.address.management=127.0.0.1 > "$dir/console.log" 2>&1 &
  pids+=($!)
  echo "$!" > "$dir/pgid"
}
echo "== two WildFly instances: gw1 on 8380 (management 10290), gw2 on 8480 (10390); gw3 with the file store on 8580 (10490), for comparison"
start_instance gw1 300
start_instance gw2 400
start_instance gw3 500 file
for port in 10290 10390 10490; do
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 1
  done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "instance on $port not ready" >&2; tail -50 "$work"/gw*/console.log; exit 1; }
done

echo "== HAProxy on 127.0.0.1:8600"
cat > "$work/haproxy.cfg" <<CFG
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
frontend gateway
  bind 127.0.0.1:8600
  default_backend gateways
backend gateways
  balance roundrobin
  option httpchk GET /health/ready
  server gw1 127.0.0.1:8380 check port 10290 inter 1s
  server gw2 127.0.0.1:8480 check port 10390 inter 1s
CFG
setsid haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 &
pids+=($!)

GW1=http://127.0.0.1:8380 GW2=http://127.0.0.1:8480 GW3=http://127.0.0.1:8580 LB=http://127.0.0.1:8600 \
GW1_PGID=$(cat "$work/gw1/pgid") node --experimental-websocket scripts/cluster-e2e.mjs
