// Client helpers shared by the end-to-end checks (scripts/cluster-e2e.mjs, scripts/cluster-jndi-check.mjs):
// the admin API with the demo admin, raw upgrade requests, real WebSocket sessions (Node 20+,
// --experimental-websocket), and waiting for a condition.
import http from 'node:http';

export const AUTH = 'Basic ' + Buffer.from('admin:admin').toString('base64');
export const wsUrl = (base, path) => base.replace('http', 'ws') + '/ws' + path;

export async function admin(base, method, path, body) {
  const r = await fetch(base + '/api/admin' + path, { method, headers: { Authorization: AUTH,
    'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = text; }
  return { status: r.status, json };
}

/** The status a raw upgrade request gets (101, or the gateway's refusal). */
export function handshakeStatus(base, path) {
  return new Promise((resolve) => {
    const u = new URL(base + '/ws' + path);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(101); });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', () => resolve(-1));
    req.end();
  });
}

/** An open session that echoes; resolves once the echo came back. */
export function openSession(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const session = { ws, closed: null };
    session.closedPromise = new Promise((res) => ws.addEventListener('close', (e) => {
      session.closed = { code: e.code, reason: e.reason, at: performance.now() }; res(session.closed); }));
    ws.addEventListener('open', () => ws.send('ping'));
    ws.addEventListener('message', (e) => e.data === 'ping' ? resolve(session) : reject(new Error('bad echo')));
    ws.addEventListener('error', () => reject(new Error('handshake failed: ' + url)));
    setTimeout(() => reject(new Error('timeout: ' + url)), 5000);
  });
}

export async function eventually(ms, fn) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await fn()) return true; await new Promise((r) => setTimeout(r, 50)); }
  return false;
}
