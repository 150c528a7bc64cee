#!/usr/bin/env python3
"""What references the instances of a class in a heap dump, by referrer class and field.

    python3 bench/heap-referrers.py results/<run>/idle-1.hprof CLASS_SUBSTRING ...

Prints, for every class whose name contains one of the substrings, how many references come from each
(class.field) or array class. Caches what it read next to the dump (<dump>.refs.pickle)."""
import struct, sys, os, pickle, collections

def parse(path):
    f = open(path, 'rb')
    data = f.read()
    f.close()
    p = data.index(b'\0') + 1
    idsize = struct.unpack_from('>I', data, p)[0]
    p += 4 + 8
    assert idsize == 8
    strings = {}
    classname = {}  # class obj id -> name
    classinfo = {}  # class id -> (super, [(name, type)])
    objclass = {}   # obj id -> class id / or ('[prim', type)
    instances = []  # (obj id, class id, bytes offset, length)
    objarrays = []  # (obj id, array class id, offset, n)
    n = len(data)
    tsize = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
    while p < n:
        tag = data[p]; length = struct.unpack_from('>I', data, p + 5)[0]; p += 9
        end = p + length
        if tag == 0x01:
            sid = struct.unpack_from('>Q', data, p)[0]
            strings[sid] = data[p + 8:end].decode('utf-8', 'replace')
        elif tag == 0x02:
            _, cid, _, nid = struct.unpack_from('>IQIQ', data, p)
            classname[cid] = strings.get(nid, '?').replace('/', '.')
        elif tag in (0x0C, 0x1C):
            q = p
            while q < end:
                st = data[q]; q += 1
                if st == 0xFF: q += 8
                elif st == 0x01: q += 16
                elif st in (0x02, 0x03): q += 16
                elif st == 0x04: q += 12
                elif st == 0x05: q += 8
                elif st == 0x06: q += 12
                elif st == 0x07: q += 8
                elif st == 0x08: q += 16
                elif st == 0x20:
                    cid, _, sup = struct.unpack_from('>QIQ', data, q); q += 8 + 4 + 8 * 6 + 4
                    ncp = struct.unpack_from('>H', data, q)[0]; q += 2
                    for _ in range(ncp):
                        t = data[q + 2]; q += 3 + tsize[t]
                    ns = struct.unpack_from('>H', data, q)[0]; q += 2
                    for _ in range(ns):
                        t = data[q + 8]; q += 9 + tsize[t]
                    nf = struct.unpack_from('>H', data, q)[0]; q += 2
                    fields = []
                    for _ in range(nf):
                        nid = struct.unpack_from('>Q', data, q)[0]; t = data[q + 8]; q += 9
                        fields.append((strings.get(nid, '?'), t))
                    classinfo[cid] = (sup, fields)
                elif st == 0x21:
                    oid, _, cid, nb = struct.unpack_from('>QIQI', data, q); q += 24
                    objclass[oid] = cid
                    instances.append((oid, cid, q, nb))
                    q += nb
                elif st == 0x22:
                    oid, _, num, acid = struct.unpack_from('>QIIQ', data, q); q += 24
                    objclass[oid] = acid
                    objarrays.append((oid, acid, q, num))
                    q += 8 * num
                elif st == 0x23:
                    oid, _, num, t = struct.unpack_from('>QIIB', data, q); q += 17
                    objclass[oid] = -t
                    q += tsize[t] * num
                else:
                    raise ValueError('sub-tag %x at %d' % (st, q))
        p = end
    primname = {-4: 'boolean[]', -5: 'char[]', -6: 'float[]', -7: 'double[]', -8: 'byte[]', -9: 'short[]', -10: 'int[]', -11: 'long[]'}
    def cname(c):
        return primname[c] if c < 0 else classname.get(c, '?')
    # layouts
    layouts = {}
    def layout(cid):
        if cid in layouts:
            return layouts[cid]
        out = []
        c = cid
        while c and c in classinfo:
            sup, fields = classinfo[c]
            out.extend((classname.get(c, '?'), name, t) for name, t in fields)
            c = sup
        layouts[cid] = out
        return out
    edges = collections.Counter()
    for oid, cid, off, nb in instances:
        q = off
        src = cname(cid)
        for owner, name, t in layout(cid):
            if t == 2:
                r = struct.unpack_from('>Q', data, q)[0]
                if r:
                    rc = objclass.get(r)
                    if rc is not None:
                        edges[(cname(rc), src + '.' + name)] += 1
                q += 8
            else:
                q += tsize[t]
    for oid, acid, off, num in objarrays:
        src = cname(acid)
        for i in range(num):
            r = struct.unpack_from('>Q', data, off + 8 * i)[0]
            if r:
                rc = objclass.get(r)
                if rc is not None:
                    edges[(cname(rc), src)] += 1
    counts = collections.Counter(cname(c) for c in objclass.values())
    return edges, counts

def main():
    path = sys.argv[1]
    cache = path + '.refs.pickle'
    if os.path.exists(cache):
        edges, counts = pickle.load(open(cache, 'rb'))
    else:
        edges, counts = parse(path)
        pickle.dump((edges, counts), open(cache, 'wb'))
    by = collections.defaultdict(list)
    for (dst, src), k in edges.items():
        by[dst].append((k, src))
    for pat in sys.argv[2:]:
        for cls in sorted(c for c in by if pat in c):
            print('== %s (%d objects), referenced from:' % (cls, counts.get(cls, 0)))
            for k, src in sorted(by[cls], reverse=True)[:25]:
                print('   %8d  %s' % (k, src))

main()
