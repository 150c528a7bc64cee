package dev.wsgateway.demo;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** The demo backend: echoes every message part by part, so fragments come back as fragments. */
public class DemoEchoEndpoint extends Endpoint {
    public static final String PATH = "/demo/echo";

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        RemoteEndpoint.Basic remote = session.getBasicRemote();
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (part, last) -> {
            try {
                remote.sendText(part, last);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) -> {
            try {
                remote.sendBinary(part, last);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
