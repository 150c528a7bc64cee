#!/usr/bin/env node
// Load client for one benchmark cell against one target. Prints exactly one JSON line
// {"ok":..., "errors":[...], ...metrics} on stdout (progress lines for the harness start with "@").
// Every echoed message is compared byte for byte with what was sent, and counts must match.
//
// Usage: node driver.js '<json spec>'   (spec.mode: rtt | tput | handshake | idle | storm | slow | sink)
'use strict';
const WebSocket = require('ws');
const readline = require('readline');
const { makePayload, fillPayload } = require('./payload');

const spec = JSON.parse(process.argv[2]);
const WS_OPTS = { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024, handshakeTimeout: 10000 };
const hardDeadline = Date.now() + (spec.timeoutSeconds || 120) * 1000;

const errors = [];
let errorCount = 0;
function error(msg) {
  errorCount++;
  if (errors.length < 10 && !errors.includes(msg)) errors.push(msg);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

function finish(result) {
  process.stdout.write(JSON.stringify({ ok: errorCount === 0, errorCount, errors, ...result }) + '\n');
  process.exit(0);
}
setTimeout(() => {
  error(`cell did not finish within ${spec.timeoutSeconds || 120} s`);
  finish({});
}, hardDeadline - Date.now()).unref();

// Opens one connection; resolves with the socket or null (error recorded).
function openOne(url) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, WS_OPTS);
    let done = false;
    ws.once('open', () => { done = true; resolve(ws); });
    ws.once('unexpected-response', (req, res) => {
      error(`handshake answered HTTP ${res.statusCode}`);
      res.resume();
      ws.terminate && req.destroy();
      if (!done) { done = true; resolve(null); }
    });
    ws.once('error', (e) => {
      if (!done) { done = true; error(`open failed: ${e.code || e.message}`); resolve(null); }
    });
  });
}

// Opens n connections, at most `concurrency` handshakes at a time.
async function openMany(url, n, concurrency) {
  const out = [];
  let next = 0;
  async function worker() {
    while (next < n && Date.now() < hardDeadline) {
      next++;
      const ws = await openOne(url);
      if (ws) out.push(ws);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}

// Watches a set of sockets for closes/errors that nobody asked for.
function guard(sockets, label) {
  const state = { closing: false };
  sockets.forEach((ws, i) => {
    ws.on('error', (e) => error(`${label} connection ${i}: ${e.code || e.message}`));
    ws.on('close', (code, reason) => {
      if (!state.closing) error(`${label} connection ${i} closed unexpectedly: ${code} ${reason}`);
    });
  });
  return state;
}

async function closeAll(sockets, state, timeoutMs) {
  state.closing = true;
  const closed = sockets.map((ws) => new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve(true);
    ws.once('close', () => resolve(true));
    ws.close(1000, 'bench done');
  }));
  const all = Promise.all(closed).then(() => true);
  const ok = await Promise.race([all, sleep(timeoutMs).then(() => false)]);
  if (!ok) {
    const left = sockets.filter((ws) => ws.readyState !== WebSocket.CLOSED).length;
    error(`${left} connections did not complete the close handshake within ${timeoutMs} ms`);
    sockets.forEach((ws) => ws.terminate());
  }
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// Sequential round trips on one connection: p50 / p99 in ms.
async function rtt() {
  const [ws] = await openMany(spec.url, 1, 1);
  if (!ws) return finish({});
  const state = guard([ws], 'rtt');
  const samples = [];
  let seq = 0;
  const warmupEnd = Date.now() + (spec.warmupSeconds || 0) * 1000;
  // at least `seconds` and `minSamples` round trips, at most `maxSeconds` or `maxMessages`
  const end = warmupEnd + spec.seconds * 1000;
  const hardEnd = warmupEnd + (spec.maxSeconds || spec.seconds) * 1000;
  await new Promise((resolve) => {
    let sent, t0;
    const sendNext = () => {
      const t = Date.now();
      if ((t >= end && samples.length >= (spec.minSamples || 0)) || t >= hardEnd || samples.length >= spec.maxMessages || errorCount > 0) return resolve();
      sent = makePayload(spec.size, 1, seq++);
      t0 = now();
      ws.send(sent, { binary: true });
    };
    ws.on('message', (data, isBinary) => {
      const t = now() - t0;
      if (!isBinary || !sent || !data.equals(sent)) { error(`rtt: echo ${seq - 1} differs from what was sent`); return resolve(); }
      sent = null;
      if (Date.now() >= warmupEnd) samples.push(t);
      sendNext();
    });
    ws.on('close', resolve);
    sendNext();
  });
  await closeAll([ws], state, 5000);
  samples.sort((a, b) => a - b);
  if (samples.length < 20) error(`rtt: only ${samples.length} round trips`);
  finish({ samples: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) });
}

// Throughput: conns connections, each keeping `window` messages in flight, for each size in turn.
async function tput() {
  const t0 = Date.now();
  const sockets = await openMany(spec.url, spec.conns, spec.openConcurrency || 10);
  const openSeconds = (Date.now() - t0) / 1000;
  if (sockets.length !== spec.conns) error(`tput: opened ${sockets.length} of ${spec.conns} connections`);
  const state = guard(sockets, 'tput');
  const results = {};
  for (const size of spec.sizes) {
    if (errorCount > 0) break;
    results[size] = await tputPhase(sockets, size);
  }
  await closeAll(sockets, state, 10000);
  finish({ openSeconds, results });
}

function tputPhase(sockets, size) {
  return new Promise((resolve) => {
    const W = spec.window;
    let phase = 'warmup';
    let counted = 0;
    let total = 0;
    let sentTotal = 0;
    let outstanding = 0;
    let tStart = 0;
    const conns = sockets.map((ws, i) => ({ ws, i, seq: 0, queue: [] }));
    const send = (c) => {
      const buf = makePayload(size, c.i, c.seq++);
      c.queue.push(buf);
      outstanding++;
      sentTotal++;
      c.ws.send(buf, { binary: true });
    };
    const onMessage = (c) => (data, isBinary) => {
      const expected = c.queue.shift();
      outstanding--;
      if (!isBinary || !expected || !data.equals(expected)) {
        error(`tput ${size} B: connection ${c.i} echo ${c.seq - c.queue.length - 1} differs from what was sent`);
      }
      total++;
      if (phase === 'measure') counted++;
      if ((phase === 'warmup' || phase === 'measure') && c.ws.readyState === WebSocket.OPEN) send(c);
      else if (phase === 'drain' && outstanding === 0) done();
    };
    const handlers = conns.map((c) => {
      const h = onMessage(c);
      c.ws.on('message', h);
      return h;
    });
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(drainTimer);
      conns.forEach((c, k) => c.ws.off('message', handlers[k]));
      if (outstanding !== 0) error(`tput ${size} B: ${outstanding} messages never came back`);
      if (total !== sentTotal) error(`tput ${size} B: sent ${sentTotal}, received ${total}`);
      const seconds = (tEnd - tStart) / 1000;
      resolve({ messages: counted, seconds, msgsPerSec: counted / seconds, MBps: (counted * size) / seconds / 1e6 });
    };
    let drainTimer, tEnd = 0;
    conns.forEach((c) => { for (let k = 0; k < W; k++) send(c); });
    setTimeout(() => {
      phase = 'measure';
      counted = 0;
      tStart = now();
      setTimeout(() => {
        tEnd = now();
        phase = 'drain';
        if (outstanding === 0) return done();
        drainTimer = setTimeout(async () => {
          const stuck = conns.filter((c) => c.queue.length).map((c) => `#${c.i} (${c.queue.length} missing, next seq ${c.seq - c.queue.length})`);
          error(`tput ${size} B: drain timed out after 10 s; connections still waiting: ${stuck.slice(0, 10).join(', ')}`);
          await saveDiagnostics();
          done();
        }, 10000);
      }, spec.seconds * 1000);
    }, (spec.warmupSeconds || 0) * 1000);
  });
}

// On a stall through the gateway: save its live-session list (message counts per direction) for diagnosis.
async function saveDiagnostics() {
  if (!spec.diagUrl || !spec.diagFile) return;
  try {
    const res = await fetch(spec.diagUrl, { headers: { authorization: `Basic ${Buffer.from(spec.diagAuth || 'admin:admin').toString('base64')}` }, signal: AbortSignal.timeout(5000) });
    require('fs').writeFileSync(spec.diagFile, await res.text());
    error(`gateway session list saved to ${spec.diagFile}`);
  } catch (e) { error(`could not read the gateway's session list: ${e.message}`); }
}

// Handshakes: `concurrency` workers, each: open, send one message, check the echo, close; repeat.
async function handshake() {
  let completed = 0;
  const start = now();
  const end = Date.now() + spec.seconds * 1000;
  let worker = 0;
  async function loop(w) {
    let seq = 0;
    while (Date.now() < end && errorCount < 20) {
      const ws = await openOne(spec.url);
      if (!ws) { await sleep(10); continue; }
      const payload = makePayload(32, w, seq++);
      const ok = await new Promise((resolve) => {
        const timer = setTimeout(() => { error('handshake: echo timed out'); resolve(false); }, 5000);
        ws.once('message', (data, isBinary) => {
          clearTimeout(timer);
          if (!isBinary || !data.equals(payload)) { error('handshake: echo differs'); return resolve(false); }
          resolve(true);
        });
        ws.once('error', (e) => { clearTimeout(timer); error(`handshake: ${e.code || e.message}`); resolve(false); });
        ws.send(payload, { binary: true });
      });
      const closed = await new Promise((resolve) => {
        const timer = setTimeout(() => { error('handshake: close timed out'); ws.terminate(); resolve(false); }, 5000);
        ws.once('close', (code) => {
          clearTimeout(timer);
          if (code !== 1000) { error(`handshake: close code ${code}`); return resolve(false); }
          resolve(true);
        });
        ws.close(1000, 'bye');
      });
      if (ok && closed) completed++;
    }
  }
  await Promise.all(Array.from({ length: spec.concurrency }, () => loop(worker++)));
  const seconds = (now() - start) / 1000;
  finish({ completed, seconds, perSec: completed / seconds });
}

// Talks to the harness: prints "@<event>" and waits for a line on stdin.
const rl = readline.createInterface({ input: process.stdin });
const lines = [];
let lineWaiter = null;
rl.on('line', (l) => { if (lineWaiter) { const w = lineWaiter; lineWaiter = null; w(l); } else lines.push(l); });
function waitHarness(event) {
  process.stdout.write(`@${event}\n`);
  if (lines.length) return Promise.resolve(lines.shift());
  return new Promise((resolve) => { lineWaiter = resolve; });
}

// Idle: hold n relayed connections, let the harness measure memory, then check every one still relays.
async function idle() {
  const t0 = Date.now();
  const sockets = await openMany(spec.url, spec.conns, spec.openConcurrency || 10);
  const openSeconds = (Date.now() - t0) / 1000;
  const state = guard(sockets, 'idle');
  if (sockets.length !== spec.conns) error(`idle: opened ${sockets.length} of ${spec.conns}`);
  await waitHarness(`open ${sockets.length}`);
  await sleep((spec.holdSeconds || 0) * 1000);
  const alive = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  if (alive !== spec.conns) error(`idle: ${alive} of ${spec.conns} still open after the hold`);
  // every held connection must still relay: one message each, checked
  let echoed = 0;
  await Promise.race([
    Promise.all(sockets.map((ws, i) => new Promise((resolve) => {
      if (ws.readyState !== WebSocket.OPEN) return resolve();
      const p = makePayload(32, i, 7);
      ws.once('message', (data, isBinary) => {
        if (isBinary && data.equals(p)) echoed++;
        else error(`idle: connection ${i} echo differs`);
        resolve();
      });
      ws.send(p, { binary: true });
    }))),
    sleep(20000),
  ]);
  if (echoed !== spec.conns) error(`idle: ${echoed} of ${spec.conns} held connections echoed after the hold`);
  await closeAll(sockets, state, 20000);
  finish({ openSeconds, held: alive, echoed });
}

// Storm: a reconnection storm after a deploy. Opens spec.conns connections, spec.openConcurrency handshakes
// at a time, and counts how they ended: held (101), refused (by HTTP status) or failed (by error code).
// Refusals are the measurement here, not errors; every held connection must stay open for the hold and
// echo one message after it.
async function storm() {
  const refused = {};
  const failed = {};
  const sockets = [];
  const t0 = Date.now();
  let next = 0;
  function attempt() {
    return new Promise((resolve) => {
      const ws = new WebSocket(spec.url, WS_OPTS);
      let done = false;
      const end = (kind, key) => {
        if (done) return;
        done = true;
        if (kind === 'held') sockets.push(ws);
        else if (kind === 'refused') refused[key] = (refused[key] || 0) + 1;
        else failed[key] = (failed[key] || 0) + 1;
        resolve();
      };
      ws.once('open', () => end('held'));
      ws.once('unexpected-response', (req, res) => { res.resume(); req.destroy(); end('refused', res.statusCode); });
      ws.once('error', (e) => end('failed', e.code || e.message));
    });
  }
  async function worker() {
    while (next < spec.conns && Date.now() < hardDeadline) {
      next++;
      await attempt();
    }
  }
  await Promise.all(Array.from({ length: Math.min(spec.openConcurrency || 200, spec.conns) }, worker));
  const openSeconds = (Date.now() - t0) / 1000;
  const state = guard(sockets, 'storm');
  await waitHarness(`open ${sockets.length}`);
  await sleep((spec.holdSeconds || 0) * 1000);
  const alive = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  if (alive !== sockets.length) error(`storm: ${alive} of ${sockets.length} held connections still open after the hold`);
  let echoed = 0;
  await Promise.race([
    Promise.all(sockets.map((ws, i) => new Promise((resolve) => {
      if (ws.readyState !== WebSocket.OPEN) return resolve();
      const p = makePayload(32, i, 9);
      ws.once('message', (data, isBinary) => {
        if (isBinary && data.equals(p)) echoed++;
        else error(`storm: connection ${i} echo differs`);
        resolve();
      });
      ws.send(p, { binary: true });
    }))),
    sleep(30000),
  ]);
  if (echoed !== alive) error(`storm: ${echoed} of ${alive} held connections echoed after the hold`);
  await closeAll(sockets, state, 30000);
  const refusedTotal = Object.values(refused).reduce((a, b) => a + b, 0);
  const failedTotal = Object.values(failed).reduce((a, b) => a + b, 0);
  finish({ openSeconds, held: alive, echoed, refused, refusedTotal, failed, failedTotal });
}

// Slow consumer: connect to the backend's flood source, stop reading until the harness says so,
// then read everything, check every message and the count the backend reports.
async function slow() {
  const [ws] = await openMany(spec.url, 1, 1);
  if (!ws) return finish({});
  ws.pause(); // stop reading: from here on only TCP buffers and whatever is in between can fill up
  const state = guard([ws], 'slow');
  let received = 0;
  let bytes = 0;
  let report = null;
  const donePromise = new Promise((resolve) => {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) { report = String(data); return resolve(); }
      const expected = fillPayload(Buffer.allocUnsafe(data.length), 0, received);
      if (data.length !== spec.size || !data.equals(expected)) error(`slow: message ${received} differs`);
      received++;
      bytes += data.length;
    });
    ws.on('close', resolve);
  });
  await waitHarness('paused');
  ws.resume();
  await Promise.race([donePromise, sleep(30000)]);
  let backendCount = null, backendBytes = null;
  if (!report) error('slow: no end-of-stream report from the backend');
  else {
    const m = /^done (\d+) (\d+)$/.exec(report);
    backendCount = Number(m[1]);
    backendBytes = Number(m[2]);
    if (backendCount !== received) error(`slow: backend sent ${backendCount} messages, client got ${received}`);
  }
  await closeAll([ws], state, 5000);
  finish({ received, bytes, backendCount, backendBytes });
}

// Slow backend: send to the backend's sink, which reads nothing for a while, as fast as this client's own
// socket takes data (at most 1 MiB waiting in it) for spec.seconds; report how much left the client while the
// backend read nothing, let the harness measure memory, then check the backend got every message intact.
async function sink() {
  const [ws] = await openMany(spec.url, 1, 1);
  if (!ws) return finish({});
  const state = guard([ws], 'sink');
  const report = new Promise((resolve) => ws.on('message', (data, isBinary) => { if (!isBinary) resolve(String(data)); }));
  const end = Date.now() + spec.seconds * 1000;
  let count = 0;
  while (Date.now() < end && ws.readyState === ws.OPEN) {
    while (ws.bufferedAmount < (1 << 20) && Date.now() < end) {
      ws.send(fillPayload(Buffer.allocUnsafe(spec.size), 0, count), { binary: true });
      count++;
    }
    await sleep(2);
  }
  const leftClientBytes = count * spec.size - ws.bufferedAmount;
  await waitHarness('stalled');
  ws.send(`end ${count}`);
  const got = await Promise.race([report, sleep(30000).then(() => null)]);
  const m = got && /^got (\d+) (\d+) (\d+)$/.exec(got);
  if (!m) error(`sink: no report from the backend (${got})`);
  else if (Number(m[1]) !== count || Number(m[3]) !== 0) error(`sink: sent ${count} messages, backend got ${m[1]} (${m[3]} differ)`);
  await closeAll([ws], state, 5000);
  finish({ count, leftClientBytes });
}

({ rtt, tput, handshake, idle, storm, slow, sink })[spec.mode]().catch((e) => { error(`driver crashed: ${e.stack}`); finish({}); });
