package dev.wsgateway.edge;

import java.security.Principal;

/** The principal a handshake policy authenticated (a user, a token's subject, an API key's name). */
public record GatewayPrincipal(String getName) implements Principal {
}
