package dev.patchbay.media.codec;

import dev.patchbay.media.resample.Downsampler;
import dev.patchbay.media.resample.Upsampler;
import dev.patchbay.proto.media.v1.AudioFormat;

/**
 * Converts between the call's G.711 codec and the format a bot attached with. One instance per
 * direction per call; buffers are preallocated and reused.
 */
public final class FrameTranscoder {

    private final AudioFormat format;
    private boolean callUlaw; // down side only: follows the call's codec, which a re-INVITE may change
    // 16 kHz bots: one resampler per direction, each used by that direction's thread only.
    private final Upsampler up = new Upsampler();
    private final Downsampler down = new Downsampler();
    private final short[] wide = new short[320];

    public FrameTranscoder(AudioFormat format, boolean callUlaw) {
        this.format = format;
        this.callUlaw = callUlaw;
    }

    /** Bytes one 20 ms frame of 160 samples takes in the bot's format. */
    public int frameBytes() {
        return switch (format) {
            case L16_16K -> 640;
            case L16_8K -> 320;
            default -> 160;
        };
    }

    /** Encodes 160 caller samples into {@code dst} in the bot's format; returns the byte count. */
    public int encodeUp(short[] pcm, byte[] dst) {
        switch (format) {
            case PCMU -> {
                for (int i = 0; i < pcm.length; i++) {
                    dst[i] = G711.linearToUlaw(pcm[i]);
                }
                return pcm.length;
            }
            case PCMA -> {
                for (int i = 0; i < pcm.length; i++) {
                    dst[i] = G711.linearToAlaw(pcm[i]);
                }
                return pcm.length;
            }
            case L16_16K -> {
                up.process(pcm, 0, pcm.length, wide, 0);
                for (int i = 0; i < wide.length; i++) {
                    dst[2 * i] = (byte) wide[i];
                    dst[2 * i + 1] = (byte) (wide[i] >> 8);
                }
                return 2 * wide.length;
            }
            default -> {
                for (int i = 0; i < pcm.length; i++) {
                    dst[2 * i] = (byte) pcm[i];
                    dst[2 * i + 1] = (byte) (pcm[i] >> 8);
                }
                return 2 * pcm.length;
            }
        }
    }

    /** The call's codec now; set before converting each bot message. */
    public void callCodec(boolean ulaw) {
        this.callUlaw = ulaw;
    }

    /** Converts one bot sample (a G.711 code, or an assembled L16 sample) to the call's codec. */
    public byte toCallCodec(int sampleOrCode) {
        short linear = switch (format) {
            case PCMU -> G711.ulawToLinear((byte) sampleOrCode);
            case PCMA -> G711.alawToLinear((byte) sampleOrCode);
            default -> (short) sampleOrCode;
        };
        return callUlaw ? G711.linearToUlaw(linear) : G711.linearToAlaw(linear);
    }

    /**
     * Encodes {@code pairs} little-endian L16 samples at 8 kHz from {@code src[from..]} straight into
     * the call's codec in {@code dst[0..]}: the bulk form of {@link #narrow} and {@link #toCallCodec}
     * for the common L16_8K bot, without a format switch per sample.
     */
    public void l16ToCallCodec(byte[] src, int from, int pairs, byte[] dst) {
        for (int k = 0, i = from; k < pairs; k++, i += 2) {
            short sample = (short) ((src[i] & 0xFF) | (src[i + 1] << 8));
            dst[k] = callUlaw ? G711.linearToUlaw(sample) : G711.linearToAlaw(sample);
        }
    }

    public boolean eightKhzL16() {
        return format == AudioFormat.L16_8K;
    }

    /** True when the bot's bytes are already in the call's codec and can be copied as they are. */
    public boolean passthrough() {
        return (format == AudioFormat.PCMU && callUlaw) || (format == AudioFormat.PCMA && !callUlaw);
    }

    public boolean sixteenBit() {
        return format == AudioFormat.L16_8K || format == AudioFormat.L16_16K;
    }

    /**
     * Takes one bot sample in L16; returns true when an 8 kHz sample is ready in
     * {@link #narrowed()}: every time at 8 kHz, every other time at 16 kHz.
     */
    public boolean narrow(short sample) {
        if (format != AudioFormat.L16_16K) {
            narrowed = sample;
            return true;
        }
        if (down.push(sample)) {
            narrowed = down.output();
            return true;
        }
        return false;
    }

    private short narrowed;

    public short narrowed() {
        return narrowed;
    }

    public byte silence() {
        return callUlaw ? G711.ULAW_SILENCE : G711.ALAW_SILENCE;
    }
}
