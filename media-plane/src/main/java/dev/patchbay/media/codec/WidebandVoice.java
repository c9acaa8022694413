package dev.patchbay.media.codec;

import java.util.Arrays;

import dev.patchbay.media.resample.Upsampler;

/**
 * What a G.722 or Opus call sends, 20 ms at a time, at 16 kHz: the bot's L16 frame as it is, or a
 * narrowband source (ringback, an in-band digit, both under 2 kHz) widened, or silence; then
 * encoded with the call's one {@link Encoder}, so the encoder's state follows every packet the
 * caller's decoder sees. Loop-owned, one per call; nothing allocates after construction.
 */
public final class WidebandVoice {

    public static final int SAMPLES = 320;

    /** A 16 kHz voice encoder with state from packet to packet. */
    public interface Encoder {
        /**
         * Encodes 20 ms ({@link #SAMPLES} samples) at {@code out[off..]}, in at most {@code max} bytes.
         *
         * @return the payload's length
         */
        int encode(short[] pcm, byte[] out, int off, int max);
    }

    private final Encoder encoder;
    private final Upsampler up = new Upsampler();
    private final byte[] l16 = new byte[2 * SAMPLES];
    private final byte[] codes = new byte[SAMPLES / 2];
    private final short[] narrow = new short[SAMPLES / 2];
    private final short[] pcm = new short[SAMPLES];

    /** G.722's send side. */
    public static WidebandVoice g722() {
        G722Encoder g722 = new G722Encoder();
        return new WidebandVoice((pcm, out, off, max) -> g722.encode(pcm, 0, SAMPLES, out, off));
    }

    public WidebandVoice(Encoder encoder) {
        this.encoder = encoder;
    }

    /** Where a 640-byte L16 frame is to be written before {@link #fromL16}. */
    public byte[] l16() {
        return l16;
    }

    /** Where 160 G.711 codes of a narrowband source are to be written before {@link #fromG711}. */
    public byte[] codes() {
        return codes;
    }

    public void fromL16() {
        for (int i = 0; i < SAMPLES; i++) {
            pcm[i] = (short) ((l16[2 * i] & 0xFF) | (l16[2 * i + 1] << 8));
        }
    }

    public void fromG711(boolean ulaw) {
        if (ulaw) {
            G711.decodeUlaw(codes, 0, codes.length, narrow, 0);
        } else {
            G711.decodeAlaw(codes, 0, codes.length, narrow, 0);
        }
        up.process(narrow, 0, narrow.length, pcm, 0);
    }

    public void silence() {
        Arrays.fill(pcm, (short) 0);
    }

    /** The frame as it will sound, for the recording. */
    public short[] pcm() {
        return pcm;
    }

    /** Encodes the frame at {@code out[off..]} in at most {@code max} bytes (G.722: always 160); returns the length. */
    public int encode(byte[] out, int off, int max) {
        return encoder.encode(pcm, out, off, max);
    }
}
