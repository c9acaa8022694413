package dev.patchbay.control.webhook;

import java.util.Map;

/** The facts about an inbound call that a bot platform's webhook receives. */
public record InboundCall(String callSid, String fromNumber, String toNumber, String workspaceId,
                          Map<String, String> sipHeaders) {

    public InboundCall {
        sipHeaders = sipHeaders == null ? Map.of() : Map.copyOf(sipHeaders);
    }
}
