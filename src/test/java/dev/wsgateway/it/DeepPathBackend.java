package dev.wsgateway.it;

import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;

/** A backend endpoint at a deeper path: greets every session with the URI it was opened with. */
@ServerEndpoint("/svc/{a}/{b}")
public class DeepPathBackend {
    @OnOpen
    public void open(Session session) throws IOException {
        session.getBasicRemote().sendText(EchoBackend.pathAndQuery(session));
    }
}
