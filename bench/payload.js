'use strict';
// Deterministic message content: 4 bytes connection id, 4 bytes sequence number, then a byte pattern
// whose phase depends on the sequence number (so a message from another connection, a repeated or a
// reordered message, or a corrupted byte never compares equal).
const MAX = 1 << 20;
const pattern = Buffer.allocUnsafe(MAX + 256);
for (let i = 0; i < pattern.length; i++) pattern[i] = i % 251;

function fillPayload(buf, conn, seq) {
  if (buf.length >= 8) {
    buf.writeUInt32BE(conn >>> 0, 0);
    buf.writeUInt32BE(seq >>> 0, 4);
    pattern.copy(buf, 8, seq % 251, seq % 251 + buf.length - 8);
  } else {
    pattern.copy(buf, 0, seq % 251, seq % 251 + buf.length);
  }
  return buf;
}

function makePayload(size, conn, seq) {
  return fillPayload(Buffer.allocUnsafe(size), conn, seq);
}

module.exports = { fillPayload, makePayload };
