// What handshake policies cost: handshakes/s (open, one message, close; concurrency 10) through routes with
// different policy chains on a running gateway, in interleaved rounds, as ratios to a route without policies.
// Set up (docs/benchmark.md): the routes hs-none, hs-key, hs-jwt, hs-all, an API key in BENCH_API_KEY and
// the gateway's HS256 secret in BENCH_HMAC_SECRET (the gateway started with the same GATEWAY_JWT_HMAC_SECRET).
// Usage: node bench/policy-handshakes.js [gateway ws base, default ws://127.0.0.1:8080/ws]
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const path = require('path');

const key = process.env.BENCH_API_KEY;
const secret = process.env.BENCH_HMAC_SECRET;
if (!key || !secret) {
  console.error('set BENCH_API_KEY and BENCH_HMAC_SECRET');
  process.exit(2);
}
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'bench', exp: Math.floor(Date.now() / 1000) + 3600 })}`;
const token = `${body}.${crypto.createHmac('sha256', secret).update(body).digest('base64url')}`;
const base = process.argv[2] || 'ws://127.0.0.1:8080/ws';
const targets = [
  ['no policies', `${base}/hs-none`],
  ['apiKey', `${base}/hs-key?api_key=${encodeURIComponent(key)}`],
  ['jwt (HS256)', `${base}/hs-jwt?access_token=${token}`],
  ['ip+origin+apiKey+rateLimit', `${base}/hs-all?api_key=${encodeURIComponent(key)}`],
];

function run(url, seconds) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'driver.js'),
    JSON.stringify({ mode: 'handshake', url, concurrency: 10, seconds, timeoutSeconds: 60 })], { encoding: 'utf8' });
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  if (!out.ok) {
    console.error(url.replace(/(api_key|access_token)=[^&]*/g, '$1=...'), out.errors);
    process.exit(1);
  }
  return out.perSec;
}

targets.forEach(([, url]) => run(url, 3)); // warm-up: the JIT, the chains, the key caches
const results = Object.fromEntries(targets.map(([n]) => [n, []]));
for (let round = 0; round < 3; round++) {
  for (const [name, url] of targets) results[name].push(run(url, 5));
}
const median = (a) => a.slice().sort((x, y) => x - y)[1];
const reference = median(results[targets[0][0]]);
for (const [name] of targets) {
  const m = median(results[name]);
  console.log(`${name.padEnd(28)} ${m.toFixed(0).padStart(6)} handshakes/s  ${(m / reference).toFixed(2)}x`
    + `  (rounds: ${results[name].map((v) => v.toFixed(0)).join(', ')})`);
}
