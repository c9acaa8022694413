package dev.patchbay.control.api;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.model.CallEvent;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.rest.ApiJson;

/**
 * A call as the provider API shows it. Names follow Twilio's call resource in snake_case where the
 * seed is silent ({@code start_time}, {@code end_time}, {@code duration} in whole seconds).
 */
final class CallJson {

    private CallJson() {
    }

    /** {@code recordingUrl}: the call's signed recording URL, or null when it has no recording. */
    static ObjectNode call(CallRecord c, String recordingUrl) {
        ObjectNode o = ApiJson.object()
                .put("call_id", c.id())
                .put("workspace_id", c.workspaceId())
                .put("direction", c.direction() == CallRecord.Direction.OUTBOUND ? "outbound" : "inbound")
                .put("status", c.status().wire())
                .put("from", c.from())
                .put("to", c.to())
                .put("created_at", text(c.createdAt()))
                .put("start_time", text(c.answeredAt()))
                .put("end_time", text(c.endedAt()))
                .put("duration", c.durationSeconds())
                .put("hangup_cause", c.hangupCause())
                .put("reason", c.reason())
                .put("recording_url", recordingUrl)
                .put("media_node", c.mediaNode())
                .put("websocket_url", c.stream().url())
                .put("dialect", c.stream().dialect())
                .put("callback_url", c.callbackUrl());
        if (c.sipStatus() == null) {
            o.putNull("sip_status");
        } else {
            o.put("sip_status", c.sipStatus());
        }
        if (c.toRaw() != null) {
            o.put("to_raw", c.toRaw());
        }
        if ("grpc".equals(c.stream().dialect()) && !c.status().terminal()) {
            // What a gRPC bot needs to attach to the call's audio; only the workspace's own key reads this.
            o.putObject("grpc").put("media_node", c.mediaNode()).put("attach_token", c.attachToken());
        }
        return o;
    }

    static ObjectNode event(CallEvent e) {
        return ApiJson.object().put("at", text(e.at())).put("type", e.type()).put("detail", e.detail());
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
