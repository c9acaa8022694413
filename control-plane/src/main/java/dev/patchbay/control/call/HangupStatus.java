package dev.patchbay.control.call;

import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.proto.media.v1.CallHangup;

/** The final status a call ends in, from how the media-plane says it ended, as Twilio reports it. */
final class HangupStatus {

    private HangupStatus() {
    }

    static CallStatus of(CallRecord call, CallHangup hangup) {
        if (call.status() == CallStatus.REJECTED) {
            return CallStatus.REJECTED;
        }
        if (call.answeredAt() != null) {
            return CallStatus.COMPLETED;
        }
        return switch (hangup.getCause()) {
            case CALLER_CANCEL -> CallStatus.CANCELED;
            case BOT_HANGUP -> CallStatus.CANCELED;
            case REJECTED -> call.direction() == CallRecord.Direction.INBOUND ? CallStatus.REJECTED : farEnd(hangup.getSipStatus());
            default -> CallStatus.FAILED;
        };
    }

    /** An outbound call the far end refused: busy and no-answer are told apart as Twilio does. */
    private static CallStatus farEnd(int sipStatus) {
        return switch (sipStatus) {
            case 486, 600 -> CallStatus.BUSY;
            case 408, 480, 487, 603 -> CallStatus.NO_ANSWER;
            default -> CallStatus.FAILED;
        };
    }
}
