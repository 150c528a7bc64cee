package dev.wsgateway.upstream.transport;

import java.security.SecureRandom;
import org.glassfish.tyrus.core.MaskingKeyGenerator;

/**
 * The masking keys of every backend connection (RFC 6455 5.3: unpredictable, so that a client's payload cannot
 * be aimed at intermediaries' caches) from one generator. Tyrus would otherwise seed a {@link SecureRandom} for
 * each connection.
 */
public final class MaskingKeys implements MaskingKeyGenerator {
    private final SecureRandom random = new SecureRandom();

    @Override
    public int nextInt() {
        return random.nextInt();
    }
}
