package dev.wsgateway.config;

import static dev.wsgateway.config.JsonSupport.JSON;

import dev.wsgateway.policy.Credentials;
import dev.wsgateway.relay.RelaySession;
import dev.wsgateway.relay.SessionRegistry;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.Comparator;

/** What an instance publishes of its live sessions with its heartbeat, for the other instances' admin API. */
public final class ClusterSessions {
    /** At most this many sessions per instance are published; the admin API of the instance has them all. */
    static final int MAX_PUBLISHED = 10_000;

    private ClusterSessions() {
    }

    public static JsonArray summaries(SessionRegistry sessions, String instanceId) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        sessions.all().stream().sorted(Comparator.comparing(RelaySession::createdAt)).limit(MAX_PUBLISHED)
                .forEach(s -> {
                    JsonObjectBuilder o = JSON.createObjectBuilder().add("id", s.id()).add("instance", instanceId)
                            .add("route", s.route().id()).add("clientAddress", s.clientAddress())
                            .add("state", s.state().name()).add("openedAt", s.createdAt().toString());
                    Credentials c = s.credentials();
                    JsonObjectBuilder auth = JSON.createObjectBuilder();
                    if (c.method() != null) {
                        auth.add("method", c.method());
                    }
                    if (c.principal() != null) {
                        auth.add("principal", c.principal());
                    }
                    if (c.apiKeyId() != null) {
                        auth.add("apiKeyId", c.apiKeyId());
                    }
                    array.add(o.add("auth", auth));
                });
        return array.build();
    }
}
