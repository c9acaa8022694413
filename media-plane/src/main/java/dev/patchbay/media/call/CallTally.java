package dev.patchbay.media.call;

import dev.patchbay.media.loop.MediaStats;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * What the metrics learn from calls, once per event and never per packet: a call's RTP counters
 * arrive in one piece when it ends. Implemented by the process's metrics; {@link #NONE} without.
 */
public interface CallTally {

    /** A call was answered {@code setupNanos} after its INVITE arrived (or, outbound, left). */
    void answered(long setupNanos, boolean outbound);

    /**
     * A call ended. {@code inviteStatus} is the INVITE's final status when the call never got one
     * of 2xx (the reject we sent or, outbound, the one received), or 0 when it had been answered.
     */
    void ended(HangupCause cause, boolean outbound, int inviteStatus, MediaStats stats, int jitterDelayMs);

    /** A bot's audio stream attached to a call. */
    void botAttached();

    /** A bot's audio stream left its call: {@code why} is {@code call_ended}, {@code lost} or {@code left}. */
    void botDetached(String why);

    CallTally NONE = new CallTally() {
        @Override
        public void answered(long setupNanos, boolean outbound) {
        }

        @Override
        public void ended(HangupCause cause, boolean outbound, int inviteStatus, MediaStats stats, int jitterDelayMs) {
        }

        @Override
        public void botAttached() {
        }

        @Override
        public void botDetached(String why) {
        }
    };
}
