package dev.patchbay.media.playout;

import java.util.Arrays;

import dev.patchbay.media.codec.G711;

/**
 * What a caller hears before the answer (a ringback tone or a clip), encoded once in the call's
 * codec when the call starts ringing and then played in a loop, one 20 ms frame per call to
 * {@link #next}, without allocating. Loop-owned once handed to the call's media.
 */
public final class EarlyAudio {

    private static final int FRAME = 160;

    private final byte[] frames;
    private int position;

    private EarlyAudio(byte[] frames) {
        this.frames = frames;
    }

    /** {@code samples} (8 kHz linear, one cycle) in G.711, the last frame padded with silence. */
    public static EarlyAudio of(short[] samples, boolean ulaw) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("early audio needs at least one sample");
        }
        int count = (samples.length + FRAME - 1) / FRAME;
        byte[] frames = new byte[count * FRAME];
        Arrays.fill(frames, ulaw ? G711.ULAW_SILENCE : G711.ALAW_SILENCE);
        if (ulaw) {
            G711.encodeUlaw(samples, 0, samples.length, frames, 0);
        } else {
            G711.encodeAlaw(samples, 0, samples.length, frames, 0);
        }
        return new EarlyAudio(frames);
    }

    /** Whole 20 ms frames in one cycle. */
    public int frames() {
        return frames.length / FRAME;
    }

    /** Copies the next frame to {@code dst} at {@code offset}, back to the start after the last. */
    public void next(byte[] dst, int offset) {
        System.arraycopy(frames, position, dst, offset, FRAME);
        position += FRAME;
        if (position == frames.length) {
            position = 0;
        }
    }
}
