#!/usr/bin/env python3
"""Who keeps the heap of a dump, by owner: an approximation of retained sizes without a heap analyser.

Every object with exactly one referrer belongs to that referrer, and sizes roll up to the first object with none or
several referrers (its "owner"; GC roots and class statics own themselves). Prints the owner classes with at least
MIN_COUNT instances: bytes owned in all, count, bytes per owner (shallow sizes with compressed oops: 12-byte
headers, 4-byte references). For each OWNER_CLASS given, also what its instances own, by class, per instance.
A doubly linked or tree node (LinkedHashMap$Entry, TreeMap$Entry) has several referrers and is its own owner.

    python3 bench/heap-owners.py results/<run>/idle-1.hprof [MIN_COUNT [OWNER_CLASS ...]]

Takes a minute or two and a few GB of memory for a 300 MB dump (BENCH_HEAPDUMP=1, see bench.js)."""
import struct, sys, collections, array

def main():
    path = sys.argv[1]; mincount = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    data = open(path, 'rb').read()
    p = data.index(b'\0') + 1 + 4 + 8
    tsize = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
    jsize = {2: 4, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
    strings = {}; classname = {}; classinfo = {}
    objs = []  # (oid, kind, cls, off, n)
    roots = set()
    n = len(data)
    while p < n:
        tag = data[p]; length = struct.unpack_from('>I', data, p + 5)[0]; p += 9; end = p + length
        if tag == 0x01:
            strings[struct.unpack_from('>Q', data, p)[0]] = data[p + 8:end].decode('utf-8', 'replace')
        elif tag == 0x02:
            _, cid, _, nid = struct.unpack_from('>IQIQ', data, p); classname[cid] = strings.get(nid, '?').replace('/', '.')
        elif tag in (0x0C, 0x1C):
            q = p
            while q < end:
                st = data[q]; q += 1
                if st in (0xFF, 0x05, 0x07):
                    roots.add(struct.unpack_from('>Q', data, q)[0]); q += 8
                elif st in (0x01, 0x02, 0x03, 0x08):
                    roots.add(struct.unpack_from('>Q', data, q)[0]); q += 16
                elif st in (0x04, 0x06):
                    roots.add(struct.unpack_from('>Q', data, q)[0]); q += 12
                elif st == 0x20:
                    cid, _, sup = struct.unpack_from('>QIQ', data, q); q += 8 + 4 + 8 * 6 + 4
                    ncp = struct.unpack_from('>H', data, q)[0]; q += 2
                    for _ in range(ncp):
                        t = data[q + 2]; q += 3 + tsize[t]
                    ns = struct.unpack_from('>H', data, q)[0]; q += 2
                    statics = []
                    for _ in range(ns):
                        t = data[q + 8]
                        if t == 2: statics.append(struct.unpack_from('>Q', data, q + 9)[0])
                        q += 9 + tsize[t]
                    nf = struct.unpack_from('>H', data, q)[0]; q += 2
                    fields = []
                    for _ in range(nf):
                        nid = struct.unpack_from('>Q', data, q)[0]; t = data[q + 8]; q += 9
                        fields.append((strings.get(nid, '?'), t))
                    classinfo[cid] = (sup, fields)
                    objs.append((cid, 3, cid, statics, 0))
                elif st == 0x21:
                    oid, _, cid, nb = struct.unpack_from('>QIQI', data, q); q += 24
                    objs.append((oid, 0, cid, q, nb)); q += nb
                elif st == 0x22:
                    oid, _, num, acid = struct.unpack_from('>QIIQ', data, q); q += 24
                    objs.append((oid, 1, acid, q, num)); q += 8 * num
                elif st == 0x23:
                    oid, _, num, t = struct.unpack_from('>QIIB', data, q); q += 17
                    objs.append((oid, 2, -t, 0, num)); q += tsize[t] * num
                else:
                    raise ValueError(st)
        p = end
    prim = {-4: 'boolean[]', -5: 'char[]', -6: 'float[]', -7: 'double[]', -8: 'byte[]', -9: 'short[]', -10: 'int[]', -11: 'long[]'}
    def cname(c): return prim[c] if c < 0 else classname.get(c, '?')
    layouts = {}
    def layout(cid):
        if cid not in layouts:
            out = []; c = cid
            while c and c in classinfo:
                out.extend(classinfo[c][1]); c = classinfo[c][0]
            layouts[cid] = out
        return layouts[cid]
    idx = {}
    for i, o in enumerate(objs):
        idx[o[0]] = i
    N = len(objs)
    size = array.array('q', [0]) * N
    refcount = array.array('i', [0]) * N
    parent = array.array('q', [-1]) * N
    pfield = {}
    def ref(i, r, fname):
        j = idx.get(r)
        if j is None or j == i: return
        refcount[j] += 1
        if refcount[j] == 1:
            parent[j] = i; pfield[j] = fname
    for i, (oid, kind, cls, off, nn) in enumerate(objs):
        if kind == 0:
            s = 12; q = off
            for fname, t in layout(cls):
                s += jsize[t]
                if t == 2:
                    r = struct.unpack_from('>Q', data, q)[0]
                    if r: ref(i, r, fname)
                q += tsize[t]
            size[i] = (s + 7) // 8 * 8
        elif kind == 1:
            size[i] = (16 + 4 * nn + 7) // 8 * 8
            for k in range(nn):
                r = struct.unpack_from('>Q', data, off + 8 * k)[0]
                if r: ref(i, r, '[]')
        elif kind == 2:
            size[i] = (16 + jsize[-cls] * nn + 7) // 8 * 8
        else:
            size[i] = 0
            for r in off: ref(i, r, 'static')
    for r in roots:
        j = idx.get(r)
        if j is not None: refcount[j] += 2  # a root is its own owner
    # owner of each object: follow single parents
    owner = array.array('q', [-1]) * N
    for i in range(N):
        if owner[i] >= 0: continue
        chain = []; j = i
        while owner[j] < 0 and refcount[j] == 1 and objs[parent[j]][1] != 3:
            chain.append(j); j = parent[j]
            if len(chain) > 100000: break
        top = owner[j] if owner[j] >= 0 else j
        owner[j] = top if owner[j] < 0 else owner[j]
        for c in chain: owner[c] = top
    tot = collections.defaultdict(lambda: [0, 0])  # class -> [count, bytes]
    for i in range(N):
        o = owner[i]
        k = objs[o][1]
        key = cname(objs[o][2]) if k != 3 else 'class ' + cname(objs[o][0])
        t = tot[key]; t[1] += size[i]
        if o == i: t[0] += 1
    rows = sorted(((v[1], v[0], k) for k, v in tot.items() if v[0] >= mincount), reverse=True)
    print('owner class: count, bytes owned (shallow + objects only it references), per owner')
    for b, c, k in rows[:120]:
        print('%10d B %7d  %7.0f B each  %s' % (b, c, b / c, k))
    for want in sys.argv[3:]:
        inner = collections.defaultdict(lambda: [0, 0])
        fields = collections.defaultdict(int)
        owners = 0
        for i in range(N):
            o = owner[i]
            if objs[o][1] != 3 and cname(objs[o][2]) == want:
                if o == i:
                    owners += 1
                    continue
                e = inner[cname(objs[i][2])]; e[0] += 1; e[1] += size[i]
                if parent[i] == o:
                    fields[pfield.get(i)] += 1
        print('== owned by %s (%d owners): class, per owner count, bytes' % (want, owners))
        for k, v in sorted(inner.items(), key=lambda kv: -kv[1][1])[:40]:
            print('   %8.2f %8.1f B  %s' % (v[0] / owners, v[1] / owners, k))
        print('   direct fields:', dict(fields))
main()
