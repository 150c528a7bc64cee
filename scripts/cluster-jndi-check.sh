#!/usr/bin/env bash
# Checks cluster mode with a server-managed DataSource (gateway.store.datasource, a JNDI name) on a real server,
# configured with the file of server-configs/ an administrator applies, against a throw-away PostgreSQL
# (Debian's binaries, 127.0.0.1:25532, a user with a password):
#   wildfly  two WildFly 39 instances (offsets 500 and 600: HTTP 8580/8680, management 10490/10590), the driver
#            as a module and server-configs/wildfly/cluster-datasource.cli applied (embedded CLI)
#   liberty  Open Liberty 26 on 127.0.0.1:8590, server-configs/openliberty/server.xml + cluster.xml, the driver
#            as a shared library
#   payara   Payara Micro 6 (--nocluster) on 127.0.0.1:8591, server-configs/payara/*.asadmin +
#            cluster-post-boot-commands.asadmin, the driver with --addlibs
# then scripts/cluster-jndi-check.mjs (Node 20+): readiness UP with store postgresql; the listener's connection
# from the DataSource does LISTEN; a route and a key created through the admin API are rows in the database; and
# a change from elsewhere arrives through NOTIFY (catch-up polling set to 10 min so nothing else can bring it):
# with two instances a route/key created on one is served by the other and a key revoked on one closes the
# other's session; with one, a route and a close-session event written by SQL (as the gateway writes them).
# The JDBC driver comes from the local Maven repository (fetched with mvn dependency:get when missing). It starts
# everything as its own process group and stops it on exit; everything binds 127.0.0.1. Needs the WAR:
#   mvn -o package -DskipTests && scripts/cluster-jndi-check.sh wildfly
set -euo pipefail
cd "$(dirname "$0")/.."
server=${1:-}
case "$server" in wildfly|liberty|payara) ;; *) echo "usage: $0 wildfly|liberty|payara" >&2; exit 2 ;; esac
war=$PWD/target/ws-gateway.war
[ -f "$war" ] || { echo "build the WAR first: mvn -o package -DskipTests" >&2; exit 2; }
began=$(date +%s)
repo=${MAVEN_REPO:-$HOME/.m2/repository}
pgjdbc_version=$(sed -n 's:.*<postgresql.version>\(.*\)</postgresql.version>.*:\1:p' pom.xml)
jar() { # groupId artifactId version [type]: the file in the local repository, fetched when missing
  local f=$repo/${1//.//}/$2/$3/$2-$3.${4:-jar}
  [ -f "$f" ] || mvn -B -q dependency:get -Dmaven.repo.local="$repo" -Dartifact="$1:$2:$3:${4:-jar}" -Dtransitive=false >&2
  [ -f "$f" ] || { echo "cannot get $1:$2:$3 into $repo" >&2; exit 1; }
  echo "$f"
}
driver=$(jar org.postgresql postgresql "$pgjdbc_version")
pgbin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
pgport=25532 # below the kernel's ephemeral range (32768-60999): a client socket of an earlier step can hold a port there
dbpass=jndi-check-$RANDOM$RANDOM
work=$(mktemp -d /tmp/ws-gateway-jndi-check.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 30); do kill -0 -- -"$p" 2>/dev/null || break; sleep 1; done
    kill -KILL -- -"$p" 2>/dev/null || true
  done
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
fail() { echo "FAIL $*" >&2; for f in "$work"/*/console.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -40 "$f" >&2; }; done; exit 1; }
wait_ready() { # url what
  for _ in $(seq 1 150); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "--- $1:" >&2; curl -s "$1" >&2 || true
  fail "$2 not ready within 150 s"
}

echo "== PostgreSQL on 127.0.0.1:$pgport, database gateway owned by user gateway (password authentication)"
mkdir -p "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work" "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg" -U postgres --auth-local=trust --auth-host=scram-sha-256 --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -w -l "$work/pg/server.log" \
  -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
  { echo "PostgreSQL did not start; its log:" >&2; tail -20 "$work/pg/server.log" >&2; exit 1; }
as_pg "$pgbin/psql" -h "$work/pg" -p $pgport -U postgres -qX -v ON_ERROR_STOP=1 \
  -c "CREATE USER gateway PASSWORD '$dbpass'" -c "CREATE DATABASE gateway OWNER gateway" >/dev/null
export PGPASSWORD=$dbpass GATEWAY_DB_PASSWORD=$dbpass
psql_cmd="$pgbin/psql -h 127.0.0.1 -p $pgport -U gateway -d gateway"
[ "$($psql_cmd -XAtqc 'SELECT 1')" = 1 ] || fail "cannot reach the database as gateway"
# Only NOTIFY can bring a change within the checks' timeouts
common_props=(-Dgateway.cluster.catch-up-millis=600000 -Dgateway.demo.enabled=true)

case "$server" in
wildfly)
  zip=$(jar org.wildfly wildfly-dist 39.0.1.Final zip)
  echo "== WildFly 39: driver module, server-configs/wildfly/cluster-datasource.cli"
  unzip -q "$zip" -d "$work"
  home=$work/wildfly-39.0.1.Final
  "$home/bin/jboss-cli.sh" --command="module add --name=org.postgresql --resources=$driver \
      --dependencies=java.sql,javax.api,javax.transaction.api"
  { echo "embed-server --std-out=discard --server-config=standalone-microprofile.xml"
    sed "s#db.example.internal:5432#127.0.0.1:$pgport#" server-configs/wildfly/cluster-datasource.cli
    echo "stop-embedded-server"; } > "$work/apply.cli"
  "$home/bin/jboss-cli.sh" --file="$work/apply.cli" >/dev/null || fail "cluster-datasource.cli did not apply"
  "$home/bin/add-user.sh" -a -s -u admin -p admin -g gateway-admin >/dev/null
  for n in 1 2; do
    cp -r "$home/standalone" "$work/gw$n"
    cp "$war" "$work/gw$n/deployments/"
    JAVA_OPTS="-Xms96m -Xmx384m" setsid "$home/bin/standalone.sh" -c standalone-microprofile.xml \
      -Djboss.server.base.dir="$work/gw$n" -Djboss.node.name=gw$n \
      -Djboss.socket.binding.port-offset=$((400 + 100 * n)) \
      -Djboss.bind.address=127.0.0.1 -Djboss.bind.address.management=127.0.0.1 "${common_props[@]}" \
      > "$work/gw$n/console.log" 2>&1 &
    pids+=($!)
  done
  wait_ready http://127.0.0.1:10490/health/ready "WildFly gw1"
  wait_ready http://127.0.0.1:10590/health/ready "WildFly gw2"
  export GW1=http://127.0.0.1:8580 HEALTH1=http://127.0.0.1:10490/health/ready \
         GW2=http://127.0.0.1:8680 HEALTH2=http://127.0.0.1:10590/health/ready \
         ECHO=ws://127.0.0.1:8680/demo/echo
  ;;
liberty)
  zip=$(jar io.openliberty openliberty-runtime 26.0.0.3 zip)
  echo "== Open Liberty 26 on 127.0.0.1:8590: server-configs/openliberty/server.xml + cluster.xml, driver as a shared library"
  unzip -q "$zip" -d "$work"
  wlp=$work/wlp
  dir=$wlp/usr/servers/gw1
  mkdir -p "$dir/apps" "$dir/configDropins/overrides" "$wlp/usr/shared/resources/postgresql"
  cp server-configs/openliberty/server.xml "$dir/"
  sed "s#serverName=\"db.example.internal\" portNumber=\"5432\"#serverName=\"127.0.0.1\" portNumber=\"$pgport\"#" \
    server-configs/openliberty/cluster.xml > "$dir/configDropins/overrides/cluster.xml"
  grep -q "portNumber=\"$pgport\"" "$dir/configDropins/overrides/cluster.xml" || fail "cluster.xml: no serverName/portNumber to set"
  cp "$driver" "$wlp/usr/shared/resources/postgresql/"
  cp "$war" "$dir/apps/"
  # the values an administrator sets in server.env (server-configs/openliberty/server.env); jvm.options: this check's own
  printf '%s\n' gateway_http_host=127.0.0.1 gateway_http_port=8590 gateway_https_port=8593 \
    gateway_keystore_password=jndi-check gateway_admin_password=admin "gateway_db_password=$dbpass" > "$dir/server.env"
  printf '%s\n' "${common_props[@]}" -Dgateway.data-dir="$dir/ws-gateway" -Xmx384m > "$dir/jvm.options"
  mkdir -p "$work/gw1"
  setsid "$wlp/bin/server" run gw1 > "$work/gw1/console.log" 2>&1 &
  pids+=($!)
  wait_ready http://127.0.0.1:8590/health/ready "Open Liberty"
  export GW1=http://127.0.0.1:8590 HEALTH1=http://127.0.0.1:8590/health/ready ECHO=ws://127.0.0.1:8590/demo/echo
  ;;
payara)
  micro=$(jar fish.payara.extras payara-micro 6.2025.10)
  echo "== Payara Micro 6 on 127.0.0.1:8591 (--nocluster): server-configs/payara/*.asadmin + cluster-post-boot-commands.asadmin, driver with --addlibs"
  mkdir -p "$work/gw1"
  # cluster-post-boot-commands.asadmin appended to post-boot-commands.asadmin, as its comment says
  { cat server-configs/payara/post-boot-commands.asadmin
    sed "s#serverName=db.example.internal:portNumber=5432#serverName=127.0.0.1:portNumber=$pgport#" \
      server-configs/payara/cluster-post-boot-commands.asadmin; } > "$work/post-boot-commands.asadmin"
  grep -q "portNumber=$pgport" "$work/post-boot-commands.asadmin" || fail "cluster-post-boot-commands.asadmin: no serverName/portNumber to set"
  echo "AS_ADMIN_USERPASSWORD=admin" > "$work/admin.password"
  setsid java -Xmx384m "${common_props[@]}" -Dhazelcast.socket.bind.any=false -Dgateway.data-dir="$work/gw1/data" \
    -Dgateway.admin.password-file="$work/admin.password" \
    -jar "$micro" --nocluster --port 8591 --rootdir "$work/gw1/root" \
    --prebootcommandfile server-configs/payara/pre-boot-commands.asadmin \
    --postbootcommandfile "$work/post-boot-commands.asadmin" \
    --addlibs "$driver" --deploy "$war" --contextroot / > "$work/gw1/console.log" 2>&1 &
  pids+=($!)
  wait_ready http://127.0.0.1:8591/health/ready "Payara Micro"
  export GW1=http://127.0.0.1:8591 HEALTH1=http://127.0.0.1:8591/health/ready ECHO=ws://127.0.0.1:8591/demo/echo
  ;;
esac

echo "== checks ($(( $(date +%s) - began )) s so far)"
PSQL=$psql_cmd node --experimental-websocket scripts/cluster-jndi-check.mjs || fail "the checks failed (logs above)"
echo "cluster-jndi-check $server: $(( $(date +%s) - began )) s"
