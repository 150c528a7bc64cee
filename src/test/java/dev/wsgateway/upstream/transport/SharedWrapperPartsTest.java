package dev.wsgateway.upstream.transport;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Decoder;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.util.List;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.core.ComponentProviderService;
import org.glassfish.tyrus.core.TyrusEndpointWrapper;
import org.glassfish.tyrus.core.coder.NoOpTextCoder;
import org.junit.jupiter.api.Test;

class SharedWrapperPartsTest {
    private static final String[] SHARED = {"decoders", "encoders", "onOpen", "onClose", "onError", "clusteredSessions"};

    static final class Probe extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
        }
    }

    private static TyrusEndpointWrapper wrapper(Endpoint endpoint, ClientEndpointConfig config) throws Exception {
        TyrusEndpointWrapper w = new TyrusEndpointWrapper(endpoint, config, ComponentProviderService.createClient(),
                ClientManager.createClient(), "ws://127.0.0.1:1/", null, new TyrusEndpointWrapper.SessionListener() { },
                null, null, null);
        SharedWrapperParts.share(w, config);
        return w;
    }

    private static Object read(TyrusEndpointWrapper w, String name) throws Exception {
        Field f = TyrusEndpointWrapper.class.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(w);
    }

    @Test
    void thisTyrusHasTheFieldsThatAreShared() {
        assertTrue(SharedWrapperParts.supported(), "Tyrus moved TyrusEndpointWrapper's coder or method fields");
    }

    @Test
    void wrappersOfOneEndpointClassShareTheirCodersMethodsAndClusterMap() throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create().build();
        TyrusEndpointWrapper first = wrapper(new Probe(), config);
        TyrusEndpointWrapper second = wrapper(new Probe(), ClientEndpointConfig.Builder.create().build());
        for (String name : SHARED) {
            assertSame(read(first, name), read(second, name), name);
        }
        assertTrue(((List<?>) read(second, "decoders")).size() > 0, "the shared decoders are Tyrus's defaults");
    }

    @Test
    void aWrapperWithCodersOfItsOwnKeepsItsOwnParts() throws Exception {
        wrapper(new Probe(), ClientEndpointConfig.Builder.create().build());
        List<Class<? extends Decoder>> decoders = List.of(NoOpTextCoder.class);
        ClientEndpointConfig own = ClientEndpointConfig.Builder.create().decoders(decoders).build();
        TyrusEndpointWrapper a = wrapper(new Probe(), own);
        TyrusEndpointWrapper b = wrapper(new Probe(), ClientEndpointConfig.Builder.create().build());
        assertNotSame(read(a, "decoders"), read(b, "decoders"));
    }
}
