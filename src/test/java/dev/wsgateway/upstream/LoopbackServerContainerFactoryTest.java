package dev.wsgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.server.Server;
import org.glassfish.tyrus.spi.ServerContainerFactory;
import org.junit.jupiter.api.Test;

/** The tests' backends listen on loopback only. */
class LoopbackServerContainerFactoryTest {

    @ServerEndpoint("/quiet")
    public static class Quiet {
        @OnOpen
        public void open(Session session) {
        }
    }

    @Test
    void tyrusServersInTestsUseTheLoopbackContainer() {
        assertEquals("LoopbackContainer",
                ServerContainerFactory.createServerContainer(Map.of()).getClass().getSimpleName());
    }

    @Test
    void aBackendIsReachableOnLoopbackAndOnNoOtherAddress() throws Exception {
        Server server = new Server("127.0.0.1", -1, "/", Map.of(), Quiet.class);
        server.start();
        try {
            int port = server.getPort();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LoopbackServerContainerFactory.HOST, port), 2_000);
                assertTrue(socket.isConnected());
            }
            for (InetAddress address : otherAddresses()) {
                assertThrows(IOException.class, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(address, port), 2_000);
                    }
                }, () -> "the backend answered on " + address.getHostAddress());
            }
        } finally {
            server.stop();
        }
    }

    /** This machine's addresses other than loopback (on an isolated machine there may be none). */
    private static List<InetAddress> otherAddresses() throws IOException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> !address.isLinkLocalAddress())
                .toList();
    }
}
