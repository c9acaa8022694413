package dev.patchbay.media.call;

import dev.patchbay.media.loop.MediaEvents;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.DtmfEvent;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;

/** What one call's media reports: digits go to the control-plane, failures and silence end the call. */
record CallMediaEvents(CallManager calls, ControlChannel control, Call call) implements MediaEvents {

    @Override
    public void dtmf(char digit, int durationMs, DtmfSource source) {
        control.event(call, ControlEvent.newBuilder().setDtmf(DtmfEvent.newBuilder()
                .setDigit(String.valueOf(digit)).setDurationMs(durationMs).setSource(source)));
    }

    @Override
    public void mediaFailed(String reason) {
        calls.end(call, HangupCause.ERROR, 500, reason);
    }

    @Override
    public void mediaTimeout(String reason) {
        calls.end(call, HangupCause.MEDIA_TIMEOUT, 408, reason);
    }
}
