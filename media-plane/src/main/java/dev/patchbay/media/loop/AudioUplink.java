package dev.patchbay.media.loop;

import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * The bot's side of a call, as the media loop sees it. Every method is called only on the call's
 * media loop thread, which is what lets the implementation write to its gRPC stream without locks.
 */
public interface AudioUplink {

    /** The loop the call runs on, told just before {@link #attached}; an uplink may batch per loop. */
    default void onLoop(MediaLoop loop) {
    }

    /** The bot is now attached; the first message it sees. */
    void attached();

    /** 20 ms of caller audio, 160 samples at 8 kHz. {@code pcm} is reused after the call returns. */
    void callerFrame(short[] pcm, int sequence, long timestamp);

    void dtmf(char digit, int durationMs, DtmfSource source);

    void markPlayed(String name, boolean cleared);

    /** The call is over; the uplink must finish its stream and not expect further calls. */
    void ended(HangupCause cause, String reason);
}
