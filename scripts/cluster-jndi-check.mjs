// The checks of scripts/cluster-jndi-check.sh (Node 20+, --experimental-websocket): gateway instances whose
// cluster store is a server-managed DataSource (gateway.store.datasource), against one PostgreSQL.
//   GW1 (and GW2 for two instances): the gateways' HTTP base; HEALTH1 (HEALTH2): their readiness URL;
//   ECHO: a ws:// echo backend; PSQL: the psql command line (space-separated) reaching the gateway database.
// With one instance, "another instance" is PostgreSQL itself: a change written by SQL the way the gateway writes
// it (records, revision, gw_event row, NOTIFY) must reach the instance through its LISTEN connection.
import { execFileSync } from 'node:child_process';
import { admin, eventually, handshakeStatus, openSession, wsUrl } from './gateway-client.mjs';

const { GW1, GW2, HEALTH1, HEALTH2, ECHO, PSQL } = process.env;
const instances = GW2 ? [[GW1, HEALTH1], [GW2, HEALTH2]] : [[GW1, HEALTH1]];
let failures = 0;
process.on('unhandledRejection', (e) => { console.log('FAIL ' + e.message); console.log((failures + 1) + ' FAILED'); process.exit(1); });
const check = (ok, what) => { console.log((ok ? 'PASS ' : 'FAIL ') + what); if (!ok) failures++; return ok; };

function sql(query) {
  const [cmd, ...args] = PSQL.split(' ');
  return execFileSync(cmd, [...args, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' }).trim();
}

const within = (promise, ms) => Promise.race([promise, new Promise((r) => setTimeout(() => r(null), ms))]);

// 1. Readiness: UP, with the postgresql store, on every instance.
for (const [base, health] of instances) {
  const h = await (await fetch(health)).json();
  const store = (h.checks || []).find((c) => c.name === 'ws-gateway-store');
  check(h.status === 'UP' && store && store.data && store.data.store === 'postgresql',
    `${base}: readiness UP with store postgresql (${JSON.stringify(store && store.data)})`);
}

// 2. Each instance's change listener holds a connection with LISTEN ws_gateway (not the polling fallback).
const listening = () => Number(sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
  + "AND query = 'LISTEN ws_gateway'"));
check(await eventually(5000, () => listening() === instances.length),
  `${instances.length} connection(s) of the DataSource listen on ws_gateway (pg_stat_activity: ${listening()})`);

// 3. A route created through the admin API lands in the database.
let r = await admin(GW1, 'POST', '/routes', { id: 'jndi', path: '/jndi', backend: ECHO, policies: [{ type: 'apiKey' }] });
check(r.status === 201, 'route created through the admin API of ' + GW1 + ' (' + r.status + ' ' + JSON.stringify(r.json) + ')');
check(sql("SELECT doc->>'path' FROM gw_record WHERE collection = 'routes' AND id = 'jndi'") === '/jndi',
  'the route is a row of gw_record');
const key = (await admin(GW1, 'POST', '/keys', { name: 'jndi', routes: ['jndi'] })).json;
check(key && key.key && sql(`SELECT count(*) FROM gw_record WHERE collection = 'api-keys' AND id = '${key.id}'`) === '1',
  'the API key is a row of gw_record');

// The catch-up interval is set far beyond these timeouts: what arrives within them came through NOTIFY.
if (GW2) {
  // 4. A route (and key) created on gw1 is served by gw2.
  check(await eventually(1000, async () => (await admin(GW2, 'GET', '/routes/jndi')).status === 200
      && (await admin(GW2, 'GET', '/keys/' + key.id)).status === 200),
    'gw2 has the route and key created on gw1 within 1 s');
  check(await eventually(5000, async () => (await handshakeStatus(GW2, '/jndi?api_key=' + key.key)) === 101),
    'gw2 serves the route with the key (101)');
  // 5. A key revoked on gw1 closes the session gw2 holds.
  const s = await openSession(wsUrl(GW2, '/jndi?api_key=' + key.key));
  const t0 = performance.now();
  await admin(GW1, 'DELETE', '/keys/' + key.id);
  const closed = await within(s.closedPromise, 3000);
  check(closed && closed.code === 1008 && closed.reason === 'credential revoked' && closed.at - t0 < 1000,
    'key revoked on gw1 closed the session on gw2 with ' + (closed ? `${closed.code} ${closed.reason} after ${(closed.at - t0).toFixed(0)} ms` : 'nothing within 3 s'));
} else {
  // 4. A route written by another writer (SQL, as PgRecords writes it) is served within 1 s.
  sql("BEGIN; INSERT INTO gw_record (collection, id, doc) SELECT collection, 'jndisql', "
    + "doc || '{\"id\": \"jndisql\", \"path\": \"/jndisql\", \"policies\": []}'::jsonb FROM gw_record WHERE collection = 'routes' AND id = 'jndi'; "
    + "UPDATE gw_collection SET revision = revision + 1 WHERE name = 'routes'; "
    + "INSERT INTO gw_event (origin, kind, subject) VALUES ('psql', 'changed', 'routes'); NOTIFY ws_gateway; COMMIT;");
  check(await eventually(1000, async () => (await admin(GW1, 'GET', '/routes/jndisql')).status === 200),
    'a route (without policies) written by SQL with an event and NOTIFY is in the instance\'s snapshot within 1 s');
  check(await eventually(5000, async () => (await handshakeStatus(GW1, '/jndisql')) === 101), 'and is served (101)');
  // 5. A close-session event from "another instance" closes the local session.
  const s = await openSession(wsUrl(GW1, '/jndisql'));
  // (the raw handshakes above may still be listed until the server noticed their end: close every one)
  const listed = (await admin(GW1, 'GET', '/sessions?route=jndisql')).json;
  const ids = Array.isArray(listed) ? listed.map((x) => x.id).filter((id) => /^[A-Za-z0-9_-]+$/.test(id)) : [];
  check(ids.length >= 1, 'the session is listed by the admin API (' + ids.join(', ') + ')');
  const t0 = performance.now();
  sql('BEGIN; ' + ids.map((id) => `INSERT INTO gw_event (origin, kind, subject, detail) VALUES ('psql', 'close-session', '${id}', `
    + `'{"code": 1008, "reason": "closed by jndi check"}'); `).join('') + 'NOTIFY ws_gateway; COMMIT;');
  const closed = await within(s.closedPromise, 3000);
  check(closed && closed.code === 1008 && closed.at - t0 < 1000,
    'a close-session event written by SQL closed the session with ' + (closed ? `${closed.code} ${closed.reason} after ${(closed.at - t0).toFixed(0)} ms` : 'nothing within 3 s'));
}

console.log(failures === 0 ? 'ALL PASSED' : failures + ' FAILED');
process.exit(failures === 0 ? 0 : 1);
