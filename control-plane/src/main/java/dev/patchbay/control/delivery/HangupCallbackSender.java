package dev.patchbay.control.delivery;

import java.util.function.Function;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.model.CallRecord;

/**
 * Queues the hang-up callback of seed 001 in the outbox: once the call's record is final, the POST
 * to its {@code callback_url} carries status, duration and recording URL, signed with the
 * workspace's key, and is retried until the receiver takes it.
 */
public final class HangupCallbackSender implements HangupCallbacks {

    private static final Logger LOG = Logger.getLogger(HangupCallbackSender.class.getName());

    private final Outbox outbox;
    private final OutboxWorker worker;
    private final ObjectMapper json = new ObjectMapper();
    private final Function<CallRecord, String> recordingUrl;

    /** {@code recordingUrl}: a call's signed recording URL, or null when it has no recording. */
    public HangupCallbackSender(Outbox outbox, OutboxWorker worker, Function<CallRecord, String> recordingUrl) {
        this.outbox = outbox;
        this.worker = worker;
        this.recordingUrl = recordingUrl;
    }

    @Override
    public void ended(CallRecord call) {
        if (call.callbackUrl() == null || call.workspaceId() == null) {
            return;
        }
        try {
            outbox.enqueue(new Outbox.Message(call.workspaceId(), call.id(), "hangup_callback", call.callbackUrl(),
                    body(call), call.workspaceId()));
            worker.wake();
        } catch (RuntimeException e) {
            // The record is final either way; a lost callback is logged loudly rather than failing the call flow.
            LOG.severe(() -> "call " + call.id() + ": cannot queue the hang-up callback: " + e.getMessage());
        }
    }

    String body(CallRecord call) {
        ObjectNode o = json.createObjectNode()
                .put("event", "call.ended")
                .put("call_id", call.id())
                .put("status", call.status().wire())
                .put("direction", call.direction() == CallRecord.Direction.OUTBOUND ? "outbound" : "inbound")
                .put("from", call.from())
                .put("to", call.to())
                .put("start_time", call.answeredAt() == null ? null : call.answeredAt().toString())
                .put("end_time", call.endedAt() == null ? null : call.endedAt().toString())
                .put("duration", call.durationSeconds())
                .put("hangup_cause", call.hangupCause())
                .put("reason", call.reason())
                .put("recording_url", recordingUrl.apply(call));
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
