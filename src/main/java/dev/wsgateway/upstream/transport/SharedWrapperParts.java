package dev.wsgateway.upstream.transport;

import jakarta.websocket.EndpointConfig;
import java.lang.reflect.Field;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.tyrus.core.TyrusEndpointWrapper;

/**
 * Makes Tyrus's endpoint wrappers, one per backend session, share what is the same in all of them. Each wrapper
 * builds its own copies of Tyrus's default coders (15 wrapped coder instances in two lists), of the endpoint's
 * {@code onOpen}/{@code onClose}/{@code onError} {@code Method}s and of an empty map of cluster sessions, and keeps
 * them for as long as its session lives: about 1 KB per idle relayed connection. They are read-only after the
 * constructor (the coders are stateless, the map is written only in Tyrus's cluster mode, which a client wrapper
 * has no context for), so each new wrapper is given the first one's.
 *
 * <p>Only wrappers of the same endpoint class with no coders of their own are shared (every wrapper
 * {@link AsyncConnect} makes). The fields are Tyrus 2.1's private ones; when a Tyrus version moved them, nothing is
 * shared, which costs only memory.
 */
final class SharedWrapperParts {
    private static final Logger LOG = Logger.getLogger(SharedWrapperParts.class.getName());
    private static final String[] NAMES = {"decoders", "encoders", "onOpen", "onClose", "onError", "clusteredSessions"};
    private static final Field[] FIELDS = fields();
    private static final Field ENDPOINT_CLASS_OF = field("endpoint");

    /** The parts of the first wrapper seen, by endpoint class (one class in practice: a one-entry cache). */
    private static volatile Parts first;

    private record Parts(Class<?> endpointClass, Object[] values) {
    }

    private SharedWrapperParts() {
    }

    private static Field[] fields() {
        Field[] fields = new Field[NAMES.length];
        for (int i = 0; i < NAMES.length; i++) {
            fields[i] = field(NAMES[i]);
            if (fields[i] == null) {
                return null;
            }
        }
        return fields;
    }

    private static Field field(String name) {
        try {
            Field f = TyrusEndpointWrapper.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "Tyrus's endpoint wrappers keep their own coders (field " + name + " not found)", e);
            return null;
        }
    }

    /** Whether this Tyrus's wrappers can share their parts (tests check it, so a Tyrus upgrade that moved them shows). */
    static boolean supported() {
        return FIELDS != null && ENDPOINT_CLASS_OF != null;
    }

    /**
     * Gives {@code wrapper}, just built for an endpoint configured by {@code config}, the parts of the first wrapper
     * built for the same endpoint class, before any session uses it.
     */
    static void share(TyrusEndpointWrapper wrapper, EndpointConfig config) {
        if (!supported() || !config.getDecoders().isEmpty() || !config.getEncoders().isEmpty()) {
            return;
        }
        try {
            Class<?> endpointClass = ENDPOINT_CLASS_OF.get(wrapper).getClass();
            Parts parts = first;
            if (parts == null || parts.endpointClass() != endpointClass) {
                Object[] values = new Object[FIELDS.length];
                for (int i = 0; i < FIELDS.length; i++) {
                    values[i] = FIELDS[i].get(wrapper);
                }
                first = new Parts(endpointClass, values);
                return;
            }
            for (int i = 0; i < FIELDS.length; i++) {
                FIELDS[i].set(wrapper, parts.values()[i]);
            }
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot share Tyrus's endpoint wrapper parts", e);
        }
    }
}
