#!/usr/bin/env node
// The benchmark's orchestrator: runs every cell against every target in interleaved rounds, measures the
// servers' memory, and prints one table of medians with ratios to "direct" and the gateway's to each peer.
// Started by run.sh, which owns the processes (backend, nginx, HAProxy, Spring Cloud Gateway, WildFly); this
// script only starts driver.js children and jcmd/jfr.
//
// Environment (set by run.sh): BENCH_DIRECT_URL, BENCH_NGINX_URL, BENCH_HAPROXY_URL, BENCH_SCG_URL,
// BENCH_GATEWAY_URL (each a ws:// base without trailing slash; "/echo" or "/flood" is appended),
// NGINX_MASTER_PID, HAPROXY_PID, SCG_PID, GATEWAY_PID, BENCH_OUT (dir), BENCH_SERVER (wildfly, liberty or payara:
// the server the gateway runs on; on liberty and payara the table's gateway columns say so).
// Knobs: BENCH_CELLS (all; else a comma-separated list of cell names or their first word: "storm,idle"),
// BENCH_TARGETS (all; else e.g. "nginx,gateway"), BENCH_STORM_CONNS (5000), BENCH_STORM_CONCURRENCY (200),
// BENCH_ROUNDS (3), BENCH_SECONDS (2, per throughput cell), BENCH_IDLE_CONNS (5000),
// BENCH_WARMUP_SECONDS (20 per target: 40% message load, 60% handshakes; not recorded), then handshakes in 5 s
// slices for at least BENCH_WARMUP_MIN_SECONDS (60) in all, then until two in a row agree within 5%, up to
// BENCH_WARMUP_MAX_SECONDS (120) in all,
// BENCH_PROFILE (1: JFR profile of the gateway in the 50-connection 1 KiB cell after the rounds),
// BENCH_HISTOGRAM (0; 1: the idle cell also takes the gateway's class histogram of live objects before and with
// the connections open, and writes the difference per connection by class to idle-histogram-<round>.txt;
// BENCH_HEAPDUMP=1 also dumps the live heap with them open: idle-<round>.hprof).
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const os = require('os');

const env = process.env;
const ROUNDS = Number(env.BENCH_ROUNDS || 3);
const SECONDS = Number(env.BENCH_SECONDS || 2);
const IDLE = Number(env.BENCH_IDLE_CONNS || 5000);
const PROFILE = env.BENCH_PROFILE !== '0';
// Unrecorded load on every target before the rounds. A JVM gateway runs its handshake path (servlet request,
// policies, a backend connect) interpreted or half-compiled for tens of seconds: 1.5 s of warm-up measured
// 690 handshakes/s where the warm server does ~1,600. Production servers are warm; so is this table.
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS || 20);
// ... and 20 s were not enough either (12 s of handshakes: the JIT was still compiling, the rate doubled over
// the next 40 s), nor was stopping at the first two 5 s slices within 10% (340 and 366/s, then 427/s in the
// rounds): after the first 20 s, handshakes go on in 5 s slices for at least BENCH_WARMUP_MIN_SECONDS in all
// (60), then until two slices in a row are within 5% of each other (steady), at most BENCH_WARMUP_MAX_SECONDS
// in all (120). Every target gets the same rule.
const WARMUP_MIN_SECONDS = Number(env.BENCH_WARMUP_MIN_SECONDS || 60);
const WARMUP_MAX_SECONDS = Number(env.BENCH_WARMUP_MAX_SECONDS || 120);
const OUT = env.BENCH_OUT || path.join(__dirname, 'results', new Date().toISOString().replace(/[:.]/g, '-'));
const NGINX_MASTER = Number(env.NGINX_MASTER_PID || 0);
const GATEWAY_PID = Number(env.GATEWAY_PID || 0);
const HAPROXY_PID = Number(env.HAPROXY_PID || 0);
const SCG_PID = Number(env.SCG_PID || 0);
const STORM = Number(env.BENCH_STORM_CONNS || 5000);
const STORM_CONCURRENCY = Number(env.BENCH_STORM_CONCURRENCY || 200);
const HISTOGRAM = env.BENCH_HISTOGRAM === '1';
const ONLY_CELLS = env.BENCH_CELLS ? env.BENCH_CELLS.split(',').map((x) => x.trim()).filter(Boolean) : null;
const ONLY_TARGETS = env.BENCH_TARGETS ? env.BENCH_TARGETS.split(',').map((x) => x.trim()).filter(Boolean) : null;

const TARGETS = [
  { name: 'direct', base: env.BENCH_DIRECT_URL },
  { name: 'nginx', base: env.BENCH_NGINX_URL },
  { name: 'haproxy', base: env.BENCH_HAPROXY_URL },
  { name: 'scg', base: env.BENCH_SCG_URL },
  { name: 'gateway', base: env.BENCH_GATEWAY_URL },
].filter((t) => t.base && (!ONLY_TARGETS || ONLY_TARGETS.includes(t.name)));
// The peers the gateway's figures are also read against (a ratio column each).
const PEERS = ['nginx', 'haproxy', 'scg'];
// The gateway's server, named in its columns unless it is WildFly (the table of a WildFly run stays as it was).
const SERVER = env.BENCH_SERVER || 'wildfly';
const SERVER_NAME = { wildfly: 'WildFly', liberty: 'Open Liberty', payara: 'Payara Micro' }[SERVER] || SERVER;
const GATEWAY_LABEL = SERVER === 'wildfly' ? 'gateway' : `gateway (${SERVER})`;
const shown = (n) => (n === 'gateway' ? GATEWAY_LABEL : n);

const SIZES = [32, 1024, 65536];
const SIZE_LABEL = { 32: '32 B', 1024: '1 KiB', 65536: '64 KiB' };
const CONNS = [1, 50, 500];
const WINDOW = 4;
const FLOOD_SECONDS = 4;

const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------- process measurements ----------
function rssKB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch { return null; }
}
function children(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { return []; }
}
function nginxWorkersRssKB() {
  if (!NGINX_MASTER) return null;
  return children(NGINX_MASTER).reduce((s, p) => s + (rssKB(p) || 0), 0);
}
function jcmd(...args) {
  return jcmdOf(GATEWAY_PID, ...args);
}
function jcmdOf(pid, ...args) {
  return execFileSync('jcmd', [String(pid), ...args], { encoding: 'utf8', timeout: 60000 });
}
// Heap used after a full GC, in KiB (G1's "garbage-first heap ... used"; the first "used" figure).
function heapAfterGcKB(pid) {
  if (!pid) return null;
  jcmdOf(pid, 'GC.run');
  const m = /heap\s+total \d+K, used (\d+)K/.exec(jcmdOf(pid, 'GC.heap_info'));
  return m ? Number(m[1]) : null;
}
// Live objects by class (`GC.class_histogram` runs a full GC first): Map name -> { n, bytes }.
function classHistogram(pid) {
  const out = new Map();
  for (const line of jcmdOf(pid, 'GC.class_histogram').split('\n')) {
    const m = /^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/.exec(line);
    if (m) {
      const e = out.get(m[3]) || { n: 0, bytes: 0 };
      e.n += Number(m[1]); e.bytes += Number(m[2]); // the same name can appear once per class loader
      out.set(m[3], e);
    }
  }
  return out;
}
// The difference of two histograms per connection, largest first: the classes a held connection keeps alive.
function histogramDiff(before, after, conns) {
  const rows = [];
  for (const [name, a] of after) {
    const b = before.get(name) || { n: 0, bytes: 0 };
    if (a.bytes !== b.bytes) rows.push({ name, n: (a.n - b.n) / conns, bytes: (a.bytes - b.bytes) / conns });
  }
  for (const [name, b] of before) if (!after.has(name)) rows.push({ name, n: -b.n / conns, bytes: -b.bytes / conns });
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  return [`live heap per connection by class (${conns} connections; bytes and instances per connection): ${total.toFixed(0)} B in all`,
    ...rows.filter((r) => Math.abs(r.bytes) >= 8).map((r) => `${r.bytes.toFixed(1).padStart(9)} B ${r.n.toFixed(2).padStart(7)}  ${r.name}`)].join('\n');
}
function gatewayHeapAfterGcKB() {
  return heapAfterGcKB(GATEWAY_PID);
}
// Memory of the proxy process(es) for a target: gateway JVM RSS (after a GC), nginx workers' RSS.
async function serverMemory(target) {
  if (target.name === 'gateway') {
    const heap = gatewayHeapAfterGcKB();
    await sleep(500);
    return { rss: rssKB(GATEWAY_PID), heap };
  }
  if (target.name === 'nginx') return { rss: nginxWorkersRssKB(), heap: null };
  if (target.name === 'haproxy') return { rss: HAPROXY_PID ? rssKB(HAPROXY_PID) : null, heap: null };
  if (target.name === 'scg') {
    const heap = heapAfterGcKB(SCG_PID);
    await sleep(500);
    return { rss: SCG_PID ? rssKB(SCG_PID) : null, heap };
  }
  return { rss: null, heap: null };
}

// ---------- running one driver ----------
function runDriver(spec, onEvent) {
  return new Promise((resolve) => {
    const timeout = (spec.timeoutSeconds = spec.timeoutSeconds || 120);
    const child = spawn(process.execPath, [path.join(__dirname, 'driver.js'), JSON.stringify(spec)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let result = null;
    let stderr = '';
    let buf = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), (timeout + 30) * 1000);
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', async (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith('@')) {
          try { if (onEvent) await onEvent(line.slice(1)); } catch (e) { log('harness event failed:', e.message); }
          child.stdin.write('go\n');
        } else if (line.startsWith('{')) {
          result = JSON.parse(line);
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      if (!result) result = { ok: false, errorCount: 1, errors: [`driver exited ${code || signal} without a result: ${stderr.slice(0, 500)}`] };
      resolve(result);
    });
  });
}

// ---------- cells ----------
// Where a driver saves the gateway's session list if relayed messages stop coming back.
let diagSeq = 0;
function diag(t, label) {
  if (t.name !== 'gateway' || !env.GATEWAY_ADMIN_URL) return {};
  return { diagUrl: `${env.GATEWAY_ADMIN_URL}/sessions?route=bench`, diagAuth: env.GATEWAY_ADMIN_AUTH, diagFile: path.join(OUT, `stall-${label}-${++diagSeq}.json`) };
}
// Each cell function runs against one target and returns { ok, errors, values: { rowKey: number } }.
const cells = [];

for (const size of SIZES) {
  cells.push({
    name: `rtt ${SIZE_LABEL[size]}`,
    async run(t) {
      const r = await runDriver({ mode: 'rtt', url: `${t.base}/echo`, size, seconds: 1.5, minSamples: 200, maxSeconds: 5, warmupSeconds: 0.3, maxMessages: 200000, timeoutSeconds: 30 });
      return { r, values: { [`rtt50 ${size}`]: r.p50, [`rtt99 ${size}`]: r.p99, [`rttn ${size}`]: r.samples } };
    },
  });
}
for (const conns of CONNS) {
  cells.push({
    name: `throughput ${conns} conn`,
    async run(t) {
      const r = await runDriver({ mode: 'tput', url: `${t.base}/echo`, conns, window: WINDOW, sizes: SIZES, seconds: SECONDS, warmupSeconds: 0.5, openConcurrency: 10, timeoutSeconds: 120, ...diag(t, `tput-${conns}`) });
      const values = {};
      for (const size of SIZES) {
        const x = r.results && r.results[size];
        values[`msgs ${conns} ${size}`] = x ? x.msgsPerSec : null;
        values[`MBps ${conns} ${size}`] = x ? x.MBps : null;
      }
      return { r, values };
    },
  });
}
cells.push({
  name: 'handshakes',
  async run(t) {
    const r = await runDriver({ mode: 'handshake', url: `${t.base}/echo`, concurrency: 10, seconds: SECONDS, timeoutSeconds: 60 });
    return { r, values: { handshakes: r.perSec } };
  },
});
let histogramSeq = 0;
cells.push({
  name: `idle ${IDLE}`,
  async run(t) {
    const histogram = HISTOGRAM && t.name === 'gateway' && GATEWAY_PID;
    const histBefore = histogram ? classHistogram(GATEWAY_PID) : null;
    const before = await serverMemory(t);
    let after = null;
    const r = await runDriver({ mode: 'idle', url: `${t.base}/echo`, conns: IDLE, holdSeconds: 2, openConcurrency: 10, timeoutSeconds: 180 },
      async () => {
        after = await serverMemory(t);
        if (histogram) {
          const diff = histogramDiff(histBefore, classHistogram(GATEWAY_PID), IDLE);
          fs.writeFileSync(path.join(OUT, `idle-histogram-${++histogramSeq}.txt`), diff + '\n');
          if (env.BENCH_HEAPDUMP === '1') jcmd('GC.heap_dump', path.join(OUT, `idle-${histogramSeq}.hprof`));
        }
      });
    const perConn = (k) => (before[k] != null && after && after[k] != null ? (after[k] - before[k]) / IDLE : null);
    const values = { 'idle held': r.held, 'idle open s': r.openSeconds, 'idle rss': perConn('rss') };
    if (t.name === 'gateway' || t.name === 'scg') values['idle heap'] = perConn('heap');
    return { r, values, extra: { before, after } };
  },
});
// A reconnection storm (after a deploy, every client comes back at once): STORM connections opened
// STORM_CONCURRENCY at a time. Refused handshakes are counted by status, not treated as errors.
cells.push({
  name: `storm ${STORM}`,
  async run(t) {
    const r = await runDriver({ mode: 'storm', url: `${t.base}/echo`, conns: STORM, openConcurrency: STORM_CONCURRENCY, holdSeconds: 2, timeoutSeconds: 300 });
    const values = { 'storm held': r.held, 'storm refused': r.refusedTotal, 'storm failed': r.failedTotal, 'storm open s': r.openSeconds };
    return { r, values, extra: { refused: r.refused, failed: r.failed } };
  },
});
cells.push({
  name: 'slow consumer',
  async run(t) {
    const before = await serverMemory(t);
    const samples = [];
    const r = await runDriver({ mode: 'slow', url: `${t.base}/flood?size=65536&seconds=${FLOOD_SECONDS}&limit=1048576`, size: 65536, timeoutSeconds: 60 },
      async () => {
        // the client has stopped reading; the backend floods for FLOOD_SECONDS. Sample twice while stalled.
        const t0 = Date.now();
        await sleep(1500);
        samples.push(await serverMemory(t));
        await sleep(Math.max(0, FLOOD_SECONDS * 1000 + 300 - (Date.now() - t0)));
        samples.push(await serverMemory(t));
      });
    const after = await serverMemory(t);
    const values = { 'slow stalled MB': r.backendBytes != null ? r.backendBytes / 1e6 : null };
    if (t.name === 'gateway' && before.heap != null && samples.length === 2) {
      values['slow heap before'] = before.heap / 1024;
      values['slow heap stalled'] = Math.max(samples[0].heap, samples[1].heap) / 1024;
      values['slow heap growth'] = (samples[1].heap - samples[0].heap) / 1024;
      values['slow heap after'] = after.heap / 1024;
    }
    if (t.name === 'nginx' && samples.length === 2) values['slow nginx rss'] = (Math.max(samples[0].rss, samples[1].rss) - before.rss) / 1024;
    return { r, values, extra: { before, samples, after } };
  },
});

cells.push({
  name: 'slow backend',
  async run(t) {
    const before = await serverMemory(t);
    let stalled = null;
    const r = await runDriver({ mode: 'sink', url: `${t.base}/sink?seconds=${FLOOD_SECONDS + 3}`, size: 65536, seconds: FLOOD_SECONDS, timeoutSeconds: 60 },
      async () => { stalled = await serverMemory(t); }); // the client pushed for FLOOD_SECONDS; the backend still reads nothing
    const values = { 'sink MB': r.leftClientBytes != null ? r.leftClientBytes / 1e6 : null };
    if (stalled && before.rss != null) values['sink rss'] = (stalled.rss - before.rss) / 1024;
    if (stalled && before.heap != null) values['sink heap'] = (stalled.heap - before.heap) / 1024;
    return { r, values, extra: { before, stalled } };
  },
});

// ---------- table ----------
const ROWS = [];
for (const s of SIZES) {
  ROWS.push([`rtt50 ${s}`, `RTT p50, ${SIZE_LABEL[s]} (ms)`, 'lower']);
  ROWS.push([`rtt99 ${s}`, `RTT p99, ${SIZE_LABEL[s]} (ms)`, 'lower']);
  ROWS.push([`rttn ${s}`, `(round trips measured, ${SIZE_LABEL[s]}: 1.5-5 s, at least 200 if 5 s allow)`, 'count']);
}
for (const c of CONNS) for (const s of SIZES) {
  ROWS.push([`msgs ${c} ${s}`, `msgs/s, ${SIZE_LABEL[s]}, ${c} conn x${WINDOW} in flight`, 'higher']);
  ROWS.push([`MBps ${c} ${s}`, `MB/s, ${SIZE_LABEL[s]}, ${c} conn x${WINDOW} in flight`, 'higher']);
}
ROWS.push(['handshakes', 'handshakes/s (open, 1 msg, close), concurrency 10', 'higher']);
ROWS.push(['idle held', `idle connections held (of ${IDLE}), all echo after the hold`, 'count']);
ROWS.push(['idle open s', `time to open ${IDLE} connections, 10 at a time (s)`, 'lower']);
ROWS.push(['idle rss', `server RSS per idle connection at ${IDLE} (KiB)`, 'mem']);
ROWS.push(['idle heap', `JVM heap (after GC) per idle connection (KiB; gateway, SCG)`, 'mem']);
ROWS.push(['storm held', `storm: connections held of ${STORM} opened ${STORM_CONCURRENCY} at a time`, 'count']);
ROWS.push(['storm refused', `storm: refused with an HTTP status (by status below the table)`, 'count']);
ROWS.push(['storm failed', `storm: failed without a status (reset, timeout)`, 'count']);
ROWS.push(['storm open s', `storm: time until every attempt ended (s)`, 'lower']);
ROWS.push(['slow stalled MB', 'slow consumer: MB the backend got into the stalled path', 'mem']);
ROWS.push(['slow heap before', 'slow consumer: gateway heap after GC before (MB)', 'mem']);
ROWS.push(['slow heap stalled', 'slow consumer: gateway heap after GC while stalled (MB)', 'mem']);
ROWS.push(['slow heap growth', 'slow consumer: gateway heap growth between 1.5 s and 4.3 s of the stall (MB)', 'mem']);
ROWS.push(['slow heap after', 'slow consumer: gateway heap after GC after (MB)', 'mem']);
ROWS.push(['slow nginx rss', 'slow consumer: nginx workers RSS growth while stalled (MB)', 'mem']);
ROWS.push(['sink MB', `slow backend: MB that left the client in ${FLOOD_SECONDS} s while the backend read nothing`, 'mem']);
ROWS.push(['sink rss', 'slow backend: proxy RSS growth while the backend read nothing (MB; nginx: workers)', 'mem']);
ROWS.push(['sink heap', 'slow backend: gateway heap after GC, growth while the backend read nothing (MB)', 'mem']);

function median(xs) {
  const v = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}
function fmt(x) {
  if (x == null) return 'n/a';
  if (Number.isInteger(x)) return x.toLocaleString('en-US'); // counts (held, refused) stay whole
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

// results[target][rowKey] = [{ value, ok, round }]
const results = {};
const allErrors = [];
const raw = [];
function record(target, round, cellName, out) {
  const ok = out.r.ok;
  if (!ok) allErrors.push({ target: target.name, round, cell: cellName, errors: out.r.errors, errorCount: out.r.errorCount });
  for (const [k, v] of Object.entries(out.values)) {
    ((results[target.name] ||= {})[k] ||= []).push({ value: v, ok, round });
  }
  raw.push({ target: target.name, round, cell: cellName, result: out.r, values: out.values, extra: out.extra });
}

function table() {
  const names = TARGETS.map((t) => t.name);
  const peers = names.includes('gateway') ? PEERS.filter((p) => names.includes(p)) : [];
  const header = ['row', ...names.flatMap((n) => (n === 'direct' ? [n] : [shown(n), `${shown(n)}/direct`])), ...peers.map((p) => `${GATEWAY_LABEL}/${p}`)];
  const lines = [];
  for (const [key, label, kind] of ROWS) {
    const cellsOut = [label];
    const med = {};
    let any = false;
    for (const n of names) {
      const entries = (results[n] || {})[key] || [];
      if (entries.length) any = true;
      const bad = entries.filter((e) => !e.ok).length;
      med[n] = entries.length && !bad ? median(entries.map((e) => e.value)) : null;
      med[n + '!'] = bad ? `INVALID (${bad}/${entries.length} runs had errors)` : null;
    }
    if (!any) continue;
    for (const n of names) {
      cellsOut.push(med[n + '!'] || fmt(med[n]));
      if (n !== 'direct') {
        const ratio = kind !== 'mem' && kind !== 'count' && med[n] != null && med.direct ? med[n] / med.direct : null;
        cellsOut.push(ratio == null ? '' : `${ratio.toFixed(2)}x`);
      }
    }
    // the gateway against each peer: for counts and memory too (held connections, KiB per connection)
    for (const p of peers) {
      const ratio = med.gateway != null && med[p] ? med.gateway / med[p] : null;
      cellsOut.push(ratio == null ? '' : `${ratio.toFixed(2)}x`);
    }
    lines.push(cellsOut);
  }
  const md = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)];
  return md.join('\n');
}

// ---------- profile ----------
// CPU seconds (user, system) a process has used so far (clock ticks are 1/100 s on Linux).
function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(f[11]) / 100, sys: Number(f[12]) / 100 };
  } catch { return { user: 0, sys: 0 }; }
}
function summarizeSamples(text, event) {
  const self = new Map(), incl = new Map(), threads = new Map();
  const groups = [
    ['Undertow / XNIO (client side: frames, I/O)', /^(io\.undertow|org\.xnio|org\.jboss\.xnio)/],
    ...(SERVER === 'liberty' ? [['Open Liberty (com.ibm.ws, io.openliberty: client side)', /^(com\.ibm\.ws|com\.ibm\.wsspi|io\.openliberty)/]] : []),
    ...(SERVER === 'payara' ? [['Grizzly (Payara: client side I/O)', /^org\.glassfish\.grizzly/]] : []),
    [SERVER === 'payara' ? 'Tyrus (backend side, and the client side on Payara)' : 'Tyrus client (backend side)', /^org\.glassfish\.tyrus/],
    ['gateway code (dev.wsgateway)', /^dev\.wsgateway\./],
    ['JDK NIO / sockets', /^(sun\.nio|java\.nio|sun\.net|java\.net)/],
    ['JDK concurrency (locks, executors, futures)', /^java\.util\.concurrent/],
    ['masking (Tyrus or Undertow Masker)', /Masker\.mask/],
  ];
  let n = 0;
  for (const ev of text.split(`${event} {`).slice(1)) {
    const th = /sampledThread = "([^"]*)"/.exec(ev);
    const st = /stackTrace = \[\n([\s\S]*?)\n\s*\]/.exec(ev);
    if (!st) continue;
    n++;
    const frames = st[1].split('\n').map((l) => l.trim().replace(/\s+line:.*$/, '')).filter((l) => l && l !== '...');
    const tname = th ? th[1].replace(/[-\s]?\d+$/g, '').replace(/\d+/g, 'N') : '?';
    threads.set(tname, (threads.get(tname) || 0) + 1);
    if (frames[0]) self.set(frames[0], (self.get(frames[0]) || 0) + 1);
    const seen = new Set();
    for (const f of frames) for (const [g, re] of groups) if (!seen.has(g) && re.test(f)) { seen.add(g); incl.set(g, (incl.get(g) || 0) + 1); }
  }
  const top = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([x, c]) => `${((100 * c) / n).toFixed(1).padStart(5)}%  ${x}`);
  return { n, text: ['by thread:', ...top(threads, 8), '', 'stacks containing (inclusive):', ...top(incl, 10), '', 'top frames (self):', ...top(self, 15)].join('\n') };
}

async function profileGateway(target) {
  const file = path.join(OUT, 'gateway-50conn-1KiB.jfr');
  log('profiling the gateway (JFR, settings=profile) in the 50-connection 1 KiB cell');
  // the JDK's "profile" settings, with Java sampling every 1 ms (not 10) and per-thread CPU load every second
  const jfc = path.join(OUT, 'bench.jfc');
  const base = fs.readFileSync(path.join(path.dirname(path.dirname(fs.realpathSync(execFileSync('sh', ['-c', 'command -v jcmd'], { encoding: 'utf8' }).trim()))), 'lib', 'jfr', 'profile.jfc'), 'utf8');
  fs.writeFileSync(jfc, base
    .replace(/(<event name="jdk.ExecutionSample">[\s\S]*?<setting name="period"[^>]*>)[^<]*/, '$11 ms')
    .replace(/(<event name="jdk.ThreadCPULoad">[\s\S]*?<setting name="period"[^>]*>)[^<]*/, '$11 s'));
  jcmd('JFR.start', 'name=bench', `settings=${jfc}`, `filename=${file}`);
  const cpu0 = cpuSeconds(GATEWAY_PID), t0 = Date.now();
  const r = await runDriver({ mode: 'tput', url: `${target.base}/echo`, conns: 50, window: WINDOW, sizes: [1024], seconds: 8, warmupSeconds: 0.5, timeoutSeconds: 60, ...diag(target, 'profile') });
  const cpu1 = cpuSeconds(GATEWAY_PID), wall = (Date.now() - t0) / 1000;
  jcmd('JFR.stop', 'name=bench');
  const java = summarizeSamples(execFileSync('jfr', ['print', '--events', 'jdk.ExecutionSample', '--stack-depth', '64', file], { encoding: 'utf8', maxBuffer: 1 << 30 }), 'jdk.ExecutionSample');
  const nat = summarizeSamples(execFileSync('jfr', ['print', '--events', 'jdk.NativeMethodSample', '--stack-depth', '64', file], { encoding: 'utf8', maxBuffer: 1 << 30 }), 'jdk.NativeMethodSample');
  const user = cpu1.user - cpu0.user, sys = cpu1.sys - cpu0.sys;
  // per-thread CPU (jdk.ThreadCPULoad: share of the whole machine, user + system), grouped by thread name
  const loads = new Map();
  const loadText = execFileSync('jfr', ['print', '--events', 'jdk.ThreadCPULoad', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  for (const ev of loadText.split('jdk.ThreadCPULoad {').slice(1)) {
    const th = /eventThread = "([^"]*)"/.exec(ev), u = /user = ([\d.]+)%/.exec(ev), sy = /system = ([\d.]+)%/.exec(ev);
    if (!th || !u || !sy) continue;
    const g = th[1].replace(/[-\s]?\d+$/g, '').replace(/\d+/g, 'N');
    const x = loads.get(g) || { u: 0, s: 0 };
    x.u += Number(u[1]); x.s += Number(sy[1]);
    loads.set(g, x);
  }
  const totalLoad = [...loads.values()].reduce((a, x) => a + x.u + x.s, 0) || 1;
  const loadLines = [...loads.entries()].sort((a, b) => b[1].u + b[1].s - a[1].u - a[1].s).slice(0, 8)
    .map(([g, x]) => `${((100 * (x.u + x.s)) / totalLoad).toFixed(1).padStart(5)}%  ${g}  (${((100 * x.s) / (x.u + x.s || 1)).toFixed(0)}% of it system)`);
  const summary = [
    `gateway JVM CPU during the cell: ${user.toFixed(1)} s user + ${sys.toFixed(1)} s system in ${wall.toFixed(1)} s wall (${(((user + sys) / wall) * 100).toFixed(0)}% of one core; ${((100 * sys) / (user + sys || 1)).toFixed(0)}% of it in the kernel)`,
    `cell while profiled: ${r.ok ? 'no errors' : 'ERRORS ' + JSON.stringify(r.errors)}, ${r.results && r.results[1024] ? Math.round(r.results[1024].msgsPerSec) + ' msgs/s' : ''}`,
    '', '== gateway CPU by thread (jdk.ThreadCPULoad, share of the JVM\'s CPU) ==', ...loadLines,
    '', `== jdk.ExecutionSample: ${java.n} samples of threads running Java code ==`, java.text,
    '', `== jdk.NativeMethodSample: ${nat.n} samples of threads inside native methods (socket I/O, epoll) ==`, nat.text,
  ].join('\n');
  fs.writeFileSync(path.join(OUT, 'profile.txt'), summary + '\n');
  return summary;
}

// ---------- main ----------
async function main() {
  if (!TARGETS.length) throw new Error('no targets: run bench/run.sh (it sets BENCH_*_URL)');
  fs.mkdirSync(OUT, { recursive: true });
  const started = Date.now();
  log(`targets: ${TARGETS.map((t) => `${shown(t.name)}=${t.base}`).join(', ')}; rounds ${ROUNDS}; ${SECONDS} s per throughput cell; ${IDLE} idle; warm-up ${WARMUP_SECONDS} s per target`);
  // warm-up (not recorded): JIT of the gateway, nginx's and the backend's first connections
  for (const t of WARMUP_SECONDS > 0 ? TARGETS : []) {
    log(`warm-up ${t.name}`);
    for (const w of [
      await runDriver({ mode: 'tput', url: `${t.base}/echo`, conns: 50, window: WINDOW, sizes: SIZES, seconds: WARMUP_SECONDS * 0.4 / SIZES.length, warmupSeconds: 0.2, timeoutSeconds: 60 + WARMUP_SECONDS, ...diag(t, 'warmup') }),
      await runDriver({ mode: 'handshake', url: `${t.base}/echo`, concurrency: 10, seconds: WARMUP_SECONDS * 0.6, timeoutSeconds: 60 + WARMUP_SECONDS }),
    ]) if (!w.ok) log(`   warm-up errors (not counted): ${w.errors.join(' | ')}`);
    const rates = [];
    for (let spent = WARMUP_SECONDS; spent + 5 <= WARMUP_MAX_SECONDS; spent += 5) {
      const w = await runDriver({ mode: 'handshake', url: `${t.base}/echo`, concurrency: 10, seconds: 5, timeoutSeconds: 65 });
      rates.push(w.ok ? w.perSec : 0);
      const [a, b] = rates.slice(-2);
      if (spent + 5 >= WARMUP_MIN_SECONDS && rates.length >= 2 && a > 0 && Math.abs(b - a) / a < 0.05) break;
    }
    if (rates.length) log(`   handshakes/s in 5 s warm-up slices until steady: ${rates.map((r) => r.toFixed(0)).join(', ')}`);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    // rotate the order every round so no target always runs first or last
    const order = TARGETS.map((_, i) => TARGETS[(i + round - 1) % TARGETS.length]);
    for (const cell of cells.filter((c) => !ONLY_CELLS || ONLY_CELLS.some((x) => c.name === x || c.name.split(' ')[0] === x))) {
      for (const t of order) {
        const t0 = Date.now();
        const out = await cell.run(t);
        record(t, round, cell.name, out);
        const summary = Object.entries(out.values).map(([k, v]) => `${k}=${fmt(v)}`).join(' ');
        log(`round ${round}/${ROUNDS} ${cell.name.padEnd(20)} ${t.name.padEnd(8)} ${out.r.ok ? 'ok     ' : 'ERRORS '} ${((Date.now() - t0) / 1000).toFixed(1)}s  ${summary}`);
        if (out.r.refused && Object.keys(out.r.refused).length) log(`   refused by status: ${JSON.stringify(out.r.refused)}`);
        if (out.r.failed && Object.keys(out.r.failed).length) log(`   failed by cause: ${JSON.stringify(out.r.failed)}`);
        if (!out.r.ok) log(`   errors (${out.r.errorCount}): ${out.r.errors.join(' | ')}`);
      }
    }
  }
  let profile = null;
  const gw = TARGETS.find((t) => t.name === 'gateway');
  if (PROFILE && gw && GATEWAY_PID) {
    try { profile = await profileGateway(gw); } catch (e) { profile = `profiling failed: ${e.message}`; }
  }
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const machine = `${os.cpus().length} cores (${os.cpus()[0].model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end`;
  const storms = raw.filter((x) => x.cell.startsWith('storm'));
  const stormLines = storms.length ? ['', `Storm (${STORM} opened ${STORM_CONCURRENCY} at a time), per run: held / refused by status / failed by cause`,
    ...storms.map((x) => `- round ${x.round} ${shown(x.target)}: held ${x.result.held}, refused ${JSON.stringify(x.result.refused || {})}, failed ${JSON.stringify(x.result.failed || {})}, ${fmt(x.result.openSeconds)} s`)] : [];
  const md = [
    `Relay benchmark${SERVER === 'wildfly' ? '' : ` (the gateway on ${SERVER_NAME})`}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${WARMUP_SECONDS} s unrecorded warm-up per target (then handshakes until steady, ${WARMUP_MIN_SECONDS}-${WARMUP_MAX_SECONDS} s in all), then ${ROUNDS} interleaved rounds, medians; ${machine}; measurement took ${minutes} min.`,
    `Every echo checked (content and count); a target's figure is INVALID if any of its runs of that row had an error.`,
    '',
    table(),
    ...stormLines,
  ].join('\n');
  fs.writeFileSync(path.join(OUT, 'table.md'), md + '\n');
  fs.writeFileSync(path.join(OUT, 'raw.json'), JSON.stringify({ raw, allErrors }, null, 1));
  console.log('\n' + md + '\n');
  if (allErrors.length) {
    console.log(`Errors (${allErrors.length} runs; their figures do not count):`);
    for (const e of allErrors) console.log(`  round ${e.round} ${e.cell} ${shown(e.target)}: ${e.errorCount} errors: ${e.errors.join(' | ')}`);
  } else console.log('No errors: every echo in every run came back complete and unchanged.');
  if (profile) console.log('\nGateway profile (50 connections, 1 KiB, after the rounds):\n' + profile);
  console.log(`\nResults: ${OUT}/ (table.md, raw.json${profile ? ', profile.txt, gateway-50conn-1KiB.jfr' : ''})`);
  process.exitCode = allErrors.length ? 2 : 0;
}

main().catch((e) => { console.error(e); process.exit(1); });
