package dev.patchbay.media.call;

import java.util.logging.Logger;

import dev.patchbay.media.playout.Ringback;
import dev.patchbay.media.playout.WavClip;
import dev.patchbay.proto.media.v1.EarlyMedia;

/**
 * The linear samples of a decision's early media: its clip, or its ringback cadence. A clip or
 * cadence that cannot be played gives the US ringback instead, with one log line: the caller should
 * hear ringing rather than nothing, and the control-plane validated both already.
 */
final class EarlySounds {

    private static final Logger LOG = Logger.getLogger(EarlySounds.class.getName());

    private EarlySounds() {
    }

    static short[] of(EarlyMedia early, Call call) {
        try {
            return switch (early.getSourceCase()) {
                case WAV -> {
                    short[] clip = WavClip.parse(early.getWav().toByteArray()).samples();
                    if (clip.length == 0) {
                        throw new IllegalArgumentException("the early-media clip holds no audio");
                    }
                    yield clip;
                }
                case RINGBACK -> Ringback.parse(early.getRingback().getCadence()).cycle();
                case SOURCE_NOT_SET -> Ringback.US.cycle();
            };
        } catch (WavClip.Invalid | IllegalArgumentException e) {
            LOG.warning(() -> "call " + call.id() + ": early media " + e.getMessage() + "; playing the US ringback instead");
            return Ringback.US.cycle();
        }
    }
}
