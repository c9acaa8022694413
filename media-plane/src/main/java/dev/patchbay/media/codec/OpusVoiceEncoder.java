package dev.patchbay.media.codec;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusBandwidth;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

/**
 * Opus's send side of a call (RFC 7587): 20 ms of 16 kHz mono per packet, in concentus's encoder,
 * set from what the caller's fmtp asks of a sender. One per call, loop-owned.
 */
public final class OpusVoiceEncoder implements WidebandVoice.Encoder {

    /** Wideband speech is transparent to a listener and a recogniser well below this (SILK WB). */
    public static final int BITRATE = 24_000;
    /** Half libopus's default of 10: in pure Java, CPU is Opus's cost per call (docs/benchmarks.md). */
    public static final int COMPLEXITY = 5;
    /** The loss the in-band FEC is sized for when the caller asks for FEC. */
    private static final int EXPECTED_LOSS_PERCENT = 10;

    private final OpusEncoder encoder;

    /**
     * @param maxPlaybackRate   the caller's maxplaybackrate: nothing above half of it is coded
     * @param maxAverageBitrate the caller's maxaveragebitrate, or 0
     * @param inbandFec         the caller's useinbandfec=1: add FEC for the packet before
     */
    public OpusVoiceEncoder(int maxPlaybackRate, int maxAverageBitrate, boolean inbandFec) {
        try {
            encoder = new OpusEncoder(16000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        } catch (OpusException e) {
            throw new IllegalStateException("concentus refused a 16 kHz mono VoIP encoder: " + e.getMessage(), e);
        }
        encoder.setBitrate(maxAverageBitrate > 0 ? Math.min(BITRATE, maxAverageBitrate) : BITRATE);
        encoder.setComplexity(COMPLEXITY);
        encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
        encoder.setMaxBandwidth(maxPlaybackRate <= 8000 ? OpusBandwidth.OPUS_BANDWIDTH_NARROWBAND
                : maxPlaybackRate <= 12000 ? OpusBandwidth.OPUS_BANDWIDTH_MEDIUMBAND : OpusBandwidth.OPUS_BANDWIDTH_WIDEBAND);
        encoder.setUseInbandFEC(inbandFec);
        encoder.setPacketLossPercent(inbandFec ? EXPECTED_LOSS_PERCENT : 0);
    }

    @Override
    public int encode(short[] pcm, byte[] out, int off, int max) {
        try {
            return encoder.encode(pcm, 0, WidebandVoice.SAMPLES, out, off, max);
        } catch (OpusException e) {
            // Only a bad argument of ours gets here (a frame size or a buffer too small), never the audio.
            throw new IllegalStateException("Opus encoding failed: " + e.getMessage(), e);
        }
    }
}
