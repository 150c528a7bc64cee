#!/usr/bin/env node
// Echo backend for the relay benchmark. Listens on 127.0.0.1 only.
//
//   /echo...            echoes every message back unchanged (same type: text or binary)
//   /flood?size=N&seconds=S&limit=B
//                       the slow-consumer source: sends binary messages of N bytes as fast as the
//                       connection takes them for S seconds (it only queues more while less than B bytes
//                       are waiting in its own socket buffer, so the backend itself stays bounded), then
//                       sends one text message "done <count> <bytes>" and waits for the client to close.
//   /sink?seconds=S     the slow-backend sink: reads nothing for S seconds, then reads every binary message,
//                       checks it, and answers a text message "end <n>" with "got <count> <bytes> <bad>".
//
// Usage: node backend.js PORT
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');
const { fillPayload } = require('./payload');

const port = Number(process.argv[2] || 9301);
const server = http.createServer((req, res) => {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('websocket only\n');
});
// No compression: the gateway negotiates no extensions, and nginx would pass one through.
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });

let open = 0;
wss.on('connection', (ws, req) => {
  open++;
  ws.on('close', () => { open--; });
  ws.on('error', () => {});
  const url = new URL(req.url, 'http://backend');
  if (url.pathname.endsWith('/flood')) {
    flood(ws, url.searchParams);
    return;
  }
  if (url.pathname.endsWith('/sink')) {
    sink(ws, url.searchParams);
    return;
  }
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});

function flood(ws, params) {
  const size = Math.max(16, Number(params.get('size') || 65536));
  const seconds = Math.min(60, Number(params.get('seconds') || 5));
  const limit = Number(params.get('limit') || 1 << 20);
  const end = Date.now() + seconds * 1000;
  let count = 0;
  let bytes = 0;
  const pump = () => {
    if (ws.readyState !== ws.OPEN) return;
    while (Date.now() < end && ws.bufferedAmount < limit) {
      const buf = Buffer.allocUnsafe(size);
      fillPayload(buf, 0, count);
      ws.send(buf, { binary: true });
      count++;
      bytes += size;
    }
    if (Date.now() >= end) {
      ws.send(`done ${count} ${bytes}`);
      return;
    }
    setTimeout(pump, 2); // the client (or a proxy in between) is not taking more: poll, bounded
  };
  pump();
}

function sink(ws, params) {
  const seconds = Math.min(60, Number(params.get('seconds') || 6));
  ws.pause(); // from here on only TCP buffers and whatever is in between can fill up
  setTimeout(() => ws.resume(), seconds * 1000);
  let count = 0;
  let bytes = 0;
  let bad = 0;
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      ws.send(`got ${count} ${bytes} ${bad}`);
      return;
    }
    if (!data.equals(fillPayload(Buffer.allocUnsafe(data.length), 0, count))) bad++;
    count++;
    bytes += data.length;
  });
}

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`backend listening on 127.0.0.1:${port} pid ${process.pid}\n`);
});
// Status for the harness: number of open connections, on SIGUSR2 (written to stdout).
process.on('SIGUSR2', () => process.stdout.write(`backend open connections: ${open}\n`));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
