package dev.wsgateway.access;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.Side;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JSON line per relayed session when it ends, on the logger {@value #LOGGER} (INFO). It carries who and
 * what, never a secret: the principal, the auth method and the API key's id, but no token, key, password,
 * header or query string (the backend URI, which may carry forwarded credentials, is left out too).
 */
public final class AccessLog {
    public static final String LOGGER = "dev.wsgateway.access";
    private static final Logger LOG = Logger.getLogger(LOGGER);

    private AccessLog() {
    }

    /** Logs the session's line; pairs that were never upgraded are failed handshakes and get none. */
    public static void sessionEnded(RelaySession s) {
        if (s.opened() && LOG.isLoggable(Level.INFO)) {
            // the source named: a log manager that would otherwise find it by walking the stack (JBoss LogManager
            // does, for handlers that ask: 2.6% of WildFly's CPU in a handshake benchmark) need not
            LOG.logp(Level.INFO, AccessLog.class.getName(), "sessionEnded", line(s, Instant.now()));
        }
    }

    static String line(RelaySession s, Instant end) {
        Credentials c = s.credentials();
        RelaySession.Ending ending = s.ending();
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("time", end.toString())
                .add("session", s.id())
                .add("route", s.route().id())
                .add("client", s.clientAddress());
        optional(json, "principal", c.principal());
        optional(json, "auth", c.method());
        optional(json, "apiKeyId", c.apiKeyId());
        json.add("subprotocol", s.subprotocol())
                .add("openedAt", s.createdAt().toString())
                .add("durationMillis", Math.max(0, Duration.between(s.createdAt(), end).toMillis()))
                .add("messagesFromClient", s.flowFrom(Side.CLIENT).messages())
                .add("bytesFromClient", s.flowFrom(Side.CLIENT).bytes())
                .add("messagesFromBackend", s.flowFrom(Side.BACKEND).messages())
                .add("bytesFromBackend", s.flowFrom(Side.BACKEND).bytes())
                .add("closedBy", ending == null ? "gateway" : ending.by())
                .add("closeCode", ending == null ? 1006 : ending.code())
                .add("cause", ending == null ? "gateway" : ending.cause());
        return json.build().toString();
    }

    private static void optional(JsonObjectBuilder json, String name, String value) {
        if (value != null) {
            json.add(name, value);
        }
    }
}
