// The checks of scripts/cluster-e2e.sh (Node 20+, --experimental-websocket): real WebSocket clients against
// two gateway instances (GW1, GW2) sharing one PostgreSQL, and HAProxy (LB) in front of them.
import { admin, eventually, handshakeStatus, openSession, wsUrl } from './gateway-client.mjs';

const { GW1, GW2, GW3, LB, GW1_PGID } = process.env;
let failures = 0;
const check = (ok, what) => { console.log((ok ? 'PASS ' : 'FAIL ') + what); if (!ok) failures++; };

const backend = 'ws://127.0.0.1:8480/demo/echo'; // gw2's demo echo: gw2 outlives gw1 below
// 1. A route created on gw1 is served by gw2.
let r = await admin(GW1, 'POST', '/routes', { id: 'e2e', path: '/e2e', backend,
  policies: [{ type: 'apiKey' }, { type: 'rateLimit', maxConnectionsPerIdentity: 2 }] });
check(r.status === 201, 'route created on gw1 (' + r.status + ')');
check((await admin(GW1, 'POST', '/routes', { id: 'open', path: '/open', backend })).status === 201, 'route open created');
const key = (await admin(GW1, 'POST', '/keys', { name: 'e2e', routes: ['e2e'] })).json;
check(await eventually(1000, async () => (await handshakeStatus(GW2, '/e2e?api_key=' + key.key)) === 101),
  'gw2 serves the route and key made on gw1 within 1 s');

// 2. The per-identity cap (2) holds across instances.
const s1 = await openSession(wsUrl(GW1, '/e2e?api_key=' + key.key));
const s2 = await openSession(wsUrl(GW2, '/e2e?api_key=' + key.key));
const third = [await handshakeStatus(GW1, '/e2e?api_key=' + key.key), await handshakeStatus(GW2, '/e2e?api_key=' + key.key)];
check(third[0] === 429 && third[1] === 429, 'a third session of the key is refused on both instances (' + third + ')');

// 3. The key revoked on gw1 closes the session held by gw2 within 1 s.
const t0 = performance.now();
await admin(GW1, 'DELETE', '/keys/' + key.id);
const closed = await Promise.race([s2.closedPromise, new Promise((r) => setTimeout(() => r(null), 3000))]);
check(closed && closed.code === 1008 && closed.reason === 'credential revoked' && closed.at - t0 < 1000,
  'revoked on gw1, closed on gw2 with 1008 credential revoked after ' + (closed ? (closed.at - t0).toFixed(0) : '-') + ' ms');
await s1.closedPromise;

// 4. Revocation-to-close latency across instances, 100 times (revoked on gw1, session on gw2).
const latencies = [];
for (let i = 0; i < 100; i++) {
  const k = (await admin(GW1, 'POST', '/keys', { name: 'lat' + i, routes: ['e2e'] })).json;
  await eventually(2000, async () => (await admin(GW2, 'GET', '/keys/' + k.id)).status === 200);
  const s = await openSession(wsUrl(GW2, '/e2e?api_key=' + k.key));
  const start = performance.now();
  await admin(GW1, 'DELETE', '/keys/' + k.id);
  const c = await Promise.race([s.closedPromise, new Promise((r) => setTimeout(() => r(null), 5000))]);
  latencies.push(c ? c.at - start : Infinity);
}
latencies.sort((a, b) => a - b);
console.log(`MEASURE revocation on gw1 -> close on gw2 over 100: median ${latencies[49].toFixed(1)} ms, ` +
  `p90 ${latencies[89].toFixed(1)} ms, max ${latencies[99].toFixed(1)} ms`);
check(latencies[99] < 1000, 'every one of 100 closes within 1 s');

// 5. Handshakes/s of an apiKey + rateLimit route: gw2 (postgresql store) against gw3 (file store), same client.
async function handshakesPerSecond(base, seconds, concurrency) {
  const path = '/bench?api_key=';
  const key = (await admin(base, 'POST', '/keys', { name: 'bench', routes: ['bench'] })).json.key;
  const end = Date.now() + seconds * 1000;
  let ok = 0; const other = {};
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const status = await handshakeStatus(base, path + key);
      if (status === 101) ok++; else other[status] = (other[status] || 0) + 1;
    }
  }));
  return { perSecond: ok / seconds, other };
}
const bench = (backendUrl) => ({ id: 'bench', path: '/bench', backend: backendUrl, policies: [{ type: 'apiKey' },
  { type: 'rateLimit', identity: [{ limit: 1000000000, per: 'second' }], route: [{ limit: 1000000000, per: 'day' }],
    maxConnectionsPerIdentity: 100000 }] });
await admin(GW2, 'POST', '/routes', bench('ws://127.0.0.1:8480/demo/echo'));
await admin(GW3, 'POST', '/routes', bench('ws://127.0.0.1:8580/demo/echo'));
await new Promise((r) => setTimeout(r, 1000));
const onFile = await handshakesPerSecond(GW3, 10, 8);
const onPg = await handshakesPerSecond(GW2, 10, 8);
console.log(`MEASURE handshakes/s, apiKey + rateLimit route, 8 concurrent raw upgrade clients, 10 s each: file store ` +
  `(gw3) ${onFile.perSecond.toFixed(0)} (others ${JSON.stringify(onFile.other)}), postgresql store (gw2) ` +
  `${onPg.perSecond.toFixed(0)} (others ${JSON.stringify(onPg.other)})`);

// 6. Killing gw1 leaves gw2 serving (also through HAProxy) and frees gw1's slots.
const k2 = (await admin(GW1, 'POST', '/keys', { name: 'kill', routes: ['e2e'] })).json;
await eventually(2000, async () => (await admin(GW2, 'GET', '/keys/' + k2.id)).status === 200);
await openSession(wsUrl(GW1, '/e2e?api_key=' + k2.key));
await openSession(wsUrl(GW1, '/e2e?api_key=' + k2.key));
check((await handshakeStatus(GW2, '/e2e?api_key=' + k2.key)) === 429, 'both slots of the key are taken on gw1');
const killedAt = Date.now();
process.kill(-Number(GW1_PGID), 'SIGKILL');
let consecutive = 0;
check(await eventually(10000, async () => {
  consecutive = (await handshakeStatus(LB, '/open')) === 101 ? consecutive + 1 : 0;
  return consecutive >= 3;
}), 'through HAProxy, handshakes succeed again with gw1 killed (three in a row)');
check(await eventually(15000, async () => (await handshakeStatus(GW2, '/e2e?api_key=' + k2.key)) === 101),
  'gw1\'s slots are freed: gw2 accepts the key again after ' + ((Date.now() - killedAt) / 1000).toFixed(1) + ' s');
const sessions = (await admin(GW2, 'GET', '/sessions')).json;
check(Array.isArray(sessions) && sessions.every((s) => s.instance !== 'gw1'), 'gw1\'s sessions dropped out of the list');

console.log(failures === 0 ? 'ALL PASSED' : failures + ' FAILED');
process.exit(failures === 0 ? 0 : 1);
