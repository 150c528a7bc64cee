package dev.wsgateway.upstream.transport;

import java.nio.ByteBuffer;

/**
 * What one loop's connections share, since Tyrus consumes what it is handed before {@code handle} returns: a
 * read buffer, and a TLS plaintext buffer sized when the first TLS connection asks.
 */
public final class LoopBuffers {
    static final int READ_BUFFER = 64 * 1024;
    final ByteBuffer read = ByteBuffer.allocateDirect(READ_BUFFER);
    private ByteBuffer plaintext;

    /** At least {@code size} bytes, cleared. */
    ByteBuffer plaintext(int size) {
        if (plaintext == null || plaintext.capacity() < size) {
            plaintext = ByteBuffer.allocate(size);
        }
        plaintext.clear();
        return plaintext;
    }
}
