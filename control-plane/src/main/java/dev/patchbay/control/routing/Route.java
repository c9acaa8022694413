package dev.patchbay.control.routing;

import java.util.List;

/** What the control-plane decided for an offered call. */
public sealed interface Route {

    /**
     * Refuse the call with a SIP status; the reason goes into the Reason header and the call
     * record. {@code workspaceId} is set when a workspace was found (e.g. it is disabled).
     */
    record Reject(int sipStatus, String reason, String workspaceId, List<Header> headers) implements Route {
        public Reject {
            headers = List.copyOf(headers);
        }

        public Reject(int sipStatus, String reason, String workspaceId) {
            this(sipStatus, reason, workspaceId, List.of());
        }

        public Reject(int sipStatus, String reason) {
            this(sipStatus, reason, null);
        }
    }

    /** A header the rejection carries besides Reason, e.g. a digest challenge's WWW-Authenticate. */
    record Header(String name, String value) { }

    /**
     * The bot that takes the call.
     *
     * @param number the DID as stored (E.164 where it is a phone number)
     * @param raw    the form the INVITE carried it in, e.g. {@code 00919990152080}
     * @param via    which routing step matched, for the call's event log
     */
    record ToBot(String workspaceId, String botId, BotKind kind, String url, String dialect, String number,
                 String raw, String via) implements Route { }

    /**
     * A bot that takes the call only if {@code claim} succeeds in the same transaction that records the
     * call, e.g. an ASAPP call transfer that one INVITE may bind. {@code customParametersJson} (a JSON
     * object of strings, or null) is handed to the bot.
     */
    record Claimed(ToBot bot, String customParametersJson, Claim claim) implements Route { }

    /** Binds integration state to a call; false when another call got there first. */
    @FunctionalInterface
    interface Claim {
        boolean claim(io.helidon.dbclient.DbExecute tx, String callId, java.time.Instant now);
    }

    /** How a bot reaches the call's audio. */
    enum BotKind {
        ECHO, WSS, WEBHOOK, GRPC;

        public static BotKind fromWire(String kind) {
            return switch (kind) {
                case "echo" -> ECHO;
                case "wss" -> WSS;
                case "webhook" -> WEBHOOK;
                case "grpc" -> GRPC;
                default -> throw new IllegalStateException("bots.kind '" + kind + "' is unknown to this control-plane");
            };
        }
    }
}
