package dev.wsgateway.policy.message;

import dev.wsgateway.route.JsonFields;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Message policies for tests whose verdict the message says. {@code scriptFrame} (a frame policy): a frame whose
 * text starts with {@code drop} or {@code close} is dropped or closes with 4000; binary messages are dropped once
 * they pass {@code dropAfter} bytes, and a text frame {@code boom} throws. {@code scriptMessage} (a whole-message
 * policy): {@code drop...} drops, {@code close...} closes with 4001 and the text as reason, {@code upper...}
 * replaces the text with its upper case, {@code boom} throws, binary messages are replaced by their length as
 * text when {@code binaryLength} is set.
 */
public final class ScriptedPolicies {
    private ScriptedPolicies() {
    }

    public static final class FrameFactory implements MessagePolicyFactory {
        @Override
        public String type() {
            return "scriptFrame";
        }

        @Override
        public MessagePolicy create(Set<Flow> flows, JsonFields settings) {
            settings.rejectUnknown(Set.of("dropAfter"));
            Long dropAfter = settings.longValue("dropAfter", 1, Long.MAX_VALUE);
            long limit = dropAfter == null ? Long.MAX_VALUE : dropAfter;
            return new FramePolicy() {
                @Override
                public Verdict onFrame(Fragment fragment, MessageContext context) {
                    if (fragment.isText()) {
                        if (fragment.text().startsWith("drop")) {
                            return Verdict.drop("scripted");
                        }
                        if (fragment.text().startsWith("close")) {
                            return Verdict.close(4000, fragment.text());
                        }
                        if (fragment.text().equals("boom")) {
                            throw new IllegalStateException("boom");
                        }
                        return Verdict.FORWARD;
                    }
                    return fragment.messageLength() > limit ? Verdict.drop("too long") : Verdict.FORWARD;
                }

                @Override
                public String type() {
                    return "scriptFrame";
                }

                @Override
                public Set<Flow> flows() {
                    return flows;
                }

                @Override
                public JsonObject describe() {
                    return Json.createObjectBuilder().add("dropAfter", limit).build();
                }
            };
        }
    }

    public static final class MessageFactory implements MessagePolicyFactory {
        @Override
        public String type() {
            return "scriptMessage";
        }

        @Override
        public MessagePolicy create(Set<Flow> flows, JsonFields settings) {
            settings.rejectUnknown(Set.of("binaryLength"));
            boolean binaryLength = Boolean.TRUE.equals(settings.bool("binaryLength"));
            return new WholeMessagePolicy() {
                @Override
                public Verdict onMessage(Message message, MessageContext context) {
                    if (!message.isText()) {
                        return binaryLength ? Verdict.replace(Message.text(message.flow(), "length " + message.length()))
                                : Verdict.FORWARD;
                    }
                    String text = message.text();
                    if (text.startsWith("drop")) {
                        return Verdict.drop("scripted");
                    }
                    if (text.startsWith("close")) {
                        return Verdict.close(4001, text);
                    }
                    if (text.startsWith("upper")) {
                        return Verdict.replace(message.withText(text.toUpperCase(Locale.ROOT)));
                    }
                    if (text.equals("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    if (text.startsWith("who")) {
                        return Verdict.replace(message.withText(context.routeId() + " " + context.clientAddress() + " "
                                + context.headers().get("X-Tenant") + " "
                                + context.state(this, () -> new java.util.concurrent.atomic.AtomicInteger())
                                        .incrementAndGet()));
                    }
                    return Verdict.FORWARD;
                }

                @Override
                public String type() {
                    return "scriptMessage";
                }

                @Override
                public Set<Flow> flows() {
                    return flows;
                }

                @Override
                public JsonObject describe() {
                    return Json.createObjectBuilder().add("binaryLength", binaryLength).build();
                }
            };
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
