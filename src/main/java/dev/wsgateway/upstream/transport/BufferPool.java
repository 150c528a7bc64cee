package dev.wsgateway.upstream.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Buffers of one size (a TLS record and then some) for what a connection must hold only for a while: encrypted
 * bytes waiting for the socket, a partial record waiting for the rest. An idle connection holds none.
 */
final class BufferPool {
    private final int size;
    private final int keep;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();

    BufferPool(int size, int keep) {
        this.size = size;
        this.keep = keep;
    }

    int size() {
        return size;
    }

    ByteBuffer take() {
        ByteBuffer b = free.poll();
        if (b == null) {
            return ByteBuffer.allocate(size);
        }
        kept.decrementAndGet();
        b.clear();
        return b;
    }

    void give(ByteBuffer b) {
        if (b != null && b.capacity() == size && kept.incrementAndGet() <= keep) {
            free.add(b);
        } else if (b != null && b.capacity() == size) {
            kept.decrementAndGet();
        }
    }
}
