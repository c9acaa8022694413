package dev.patchbay.media.codec;

import dev.patchbay.media.resample.Downsampler;
import dev.patchbay.media.resample.Upsampler;
import dev.patchbay.proto.media.v1.AudioFormat;

/**
 * Converts between the call's audio and the format a bot attached with: G.711 codes on a G.711 call,
 * 16 kHz L16 on a G.722 call, whose 20 ms frames of 320 samples reach a 16 kHz bot untouched. One
 * instance per bot channel, each direction's state used by that direction's thread only; buffers
 * are preallocated and reused.
 */
public final class FrameTranscoder {

    private final AudioFormat format;
    private boolean callUlaw; // down side only: follows the call's codec, which a re-INVITE may change
    // 16 kHz bots: one resampler per direction, each used by that direction's thread only.
    private final Upsampler up = new Upsampler();
    private final Downsampler down = new Downsampler();
    private final short[] wide = new short[320];
    // 16 kHz calls: the up side narrows for 8 kHz bots; the down side widens what 8 kHz bots send.
    private final Downsampler upNarrow = new Downsampler();
    private final short[] narrowUp = new short[160];
    private final Upsampler downWiden = new Upsampler();
    private final short[] botSamples = new short[MAX_WIDEN_IN];
    private final short[] widened = new short[2 * MAX_WIDEN_IN];
    private int wideCarry = -1; // the low byte of an 8 kHz L16 sample split between two messages

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

    /**
     * Encodes 20 ms of caller samples, 160 at 8 kHz or 320 at 16 kHz, into {@code dst} in the bot's
     * format; returns the byte count.
     */
    public int encodeUp(short[] pcm, byte[] dst) {
        if (pcm.length == 2 * narrowUp.length) {
            if (format == AudioFormat.L16_16K) {
                return l16(pcm, pcm.length, dst);
            }
            int n = 0;
            for (short sample : pcm) {
                if (upNarrow.push(sample)) {
                    narrowUp[n++] = upNarrow.output();
                }
            }
            pcm = narrowUp; // an 8 kHz bot on a 16 kHz call: narrowed here, for this bot only
        }
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

    /** Bot bytes one {@link #toWideband} call takes at most. */
    public static final int MAX_WIDEN_IN = 640;

    /**
     * A 16 kHz call's down side: converts {@code n} (at most {@link #MAX_WIDEN_IN}) bot bytes from
     * {@code b[at..]} into 16 kHz little-endian L16 at {@code out[0..]}, which takes up to {@code 4n}
     * bytes; returns the byte count. A 16 kHz bot's bytes pass as they are.
     */
    public int toWideband(byte[] b, int at, int n, byte[] out) {
        int samples = 0;
        switch (format) {
            case L16_16K -> {
                System.arraycopy(b, at, out, 0, n);
                return n;
            }
            case PCMU -> {
                G711.decodeUlaw(b, at, n, botSamples, 0);
                samples = n;
            }
            case PCMA -> {
                G711.decodeAlaw(b, at, n, botSamples, 0);
                samples = n;
            }
            default -> {
                for (int i = at; i < at + n; i++) {
                    if (wideCarry < 0) {
                        wideCarry = b[i] & 0xFF;
                    } else {
                        botSamples[samples++] = (short) (wideCarry | (b[i] << 8));
                        wideCarry = -1;
                    }
                }
            }
        }
        downWiden.process(botSamples, 0, samples, widened, 0);
        return l16(widened, 2 * samples, out);
    }

    /** Forgets a half-received sample: the bot cleared its audio. */
    public void dropPartialSample() {
        wideCarry = -1;
    }

    private static int l16(short[] pcm, int n, byte[] dst) {
        for (int i = 0; i < n; i++) {
            dst[2 * i] = (byte) pcm[i];
            dst[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        return 2 * n;
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
