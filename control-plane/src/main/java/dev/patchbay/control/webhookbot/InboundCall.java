package dev.patchbay.control.webhookbot;

import java.util.Map;

/**
 * The facts about an inbound call that a bot platform's webhook receives. {@code attachToken} and
 * {@code mediaNode} let a gRPC bot attach to the call's audio itself; empty when not offered.
 */
public record InboundCall(String callSid, String fromNumber, String toNumber, String workspaceId,
                          Map<String, String> sipHeaders, String attachToken, String mediaNode) {

    public InboundCall {
        sipHeaders = sipHeaders == null ? Map.of() : Map.copyOf(sipHeaders);
        attachToken = attachToken == null ? "" : attachToken;
        mediaNode = mediaNode == null ? "" : mediaNode;
    }

    public InboundCall(String callSid, String fromNumber, String toNumber, String workspaceId,
                       Map<String, String> sipHeaders) {
        this(callSid, fromNumber, toNumber, workspaceId, sipHeaders, "", "");
    }
}
