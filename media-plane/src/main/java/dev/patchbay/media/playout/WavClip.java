package dev.patchbay.media.playout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.resample.Downsampler;
import dev.patchbay.media.resample.Upsampler;

/**
 * A RIFF/WAVE clip to play into a call: PCM, 16-bit, mono, 8 or 16 kHz, held as 8 kHz samples.
 * 16 kHz clips go through the same half-band Downsampler as 16 kHz bot audio.
 */
public record WavClip(short[] samples) {

    /** The clip is not one Patchbay plays; the message says what was wrong and what is accepted. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message + "; Play takes RIFF/WAVE PCM 16-bit mono at 8000 or 16000 Hz", null, false, false);
        }
    }

    private static final int FRAME = 160;

    public static WavClip parse(byte[] wav) throws Invalid {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
            throw new Invalid("wav does not start with a RIFF/WAVE header");
        }
        int rate = 0;
        int pos = 12;
        while (pos + 8 <= wav.length) {
            int id = b.getInt(pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id == 0x20746d66) { // "fmt "
                rate = format(b, body, size);
            } else if (id == 0x61746164) { // "data"
                if (rate == 0) {
                    throw new Invalid("wav has its data chunk before the fmt chunk");
                }
                int length = (int) Math.min(size, wav.length - body) & ~1; // a truncated last chunk plays what is there
                return new WavClip(narrow(b, body, length / 2, rate));
            }
            pos = (int) Math.min(wav.length, body + size + (size & 1)); // chunks are padded to even sizes
        }
        throw new Invalid("wav has no " + (rate == 0 ? "fmt chunk" : "data chunk"));
    }

    private static int format(ByteBuffer b, int at, long size) throws Invalid {
        if (size < 16 || at + 16 > b.limit()) {
            throw new Invalid("wav fmt chunk is " + size + " bytes, shorter than the 16 of PCM");
        }
        int tag = b.getShort(at) & 0xFFFF;
        int channels = b.getShort(at + 2) & 0xFFFF;
        int rate = b.getInt(at + 4);
        int bits = b.getShort(at + 14) & 0xFFFF;
        if (tag != 1) {
            throw new Invalid("wav format tag is " + tag + ", not 1 (PCM)");
        }
        if (channels != 1) {
            throw new Invalid("wav has " + channels + " channels, not 1");
        }
        if (bits != 16) {
            throw new Invalid("wav has " + bits + " bits per sample, not 16");
        }
        if (rate != 8000 && rate != 16000) {
            throw new Invalid("wav sample rate is " + rate + " Hz");
        }
        return rate;
    }

    private static short[] narrow(ByteBuffer b, int at, int count, int rate) {
        if (rate == 8000) {
            short[] out = new short[count];
            for (int i = 0; i < count; i++) {
                out[i] = b.getShort(at + 2 * i);
            }
            return out;
        }
        Downsampler down = new Downsampler();
        short[] out = new short[count / 2];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (down.push(b.getShort(at + 2 * i)) && n < out.length) {
                out[n++] = down.output();
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Whole 20 ms frames, the last one padded with silence. */
    public int frames() {
        return (samples.length + FRAME - 1) / FRAME;
    }

    /**
     * Queues the clip into {@code queue} in the call's codec, as one run: a bot's frames offered
     * meanwhile go before or after it, not in between.
     */
    public void queueInto(PlayoutQueue queue, boolean ulaw) {
        if (queue.frameBytes() == 4 * FRAME) {
            queueWideband(queue);
            return;
        }
        byte[] frame = new byte[FRAME];
        synchronized (queue) {
            for (int f = 0; f < frames(); f++) {
                Arrays.fill(frame, ulaw ? G711.ULAW_SILENCE : G711.ALAW_SILENCE);
                int n = Math.min(FRAME, samples.length - f * FRAME);
                if (ulaw) {
                    G711.encodeUlaw(samples, f * FRAME, n, frame, 0);
                } else {
                    G711.encodeAlaw(samples, f * FRAME, n, frame, 0);
                }
                queue.offer(frame, 0);
            }
        }
    }

    /**
     * A G.722 call's queue takes 16 kHz L16 frames: the clip, held at 8 kHz, is widened. A 16 kHz
     * clip thus loses its upper band; played clips are prompts, where that is an accepted cost.
     */
    private void queueWideband(PlayoutQueue queue) {
        Upsampler up = new Upsampler();
        short[] narrow = new short[FRAME];
        short[] wide = new short[2 * FRAME];
        byte[] frame = new byte[4 * FRAME];
        synchronized (queue) {
            for (int f = 0; f < frames(); f++) {
                Arrays.fill(narrow, (short) 0);
                int n = Math.min(FRAME, samples.length - f * FRAME);
                System.arraycopy(samples, f * FRAME, narrow, 0, n);
                up.process(narrow, 0, FRAME, wide, 0);
                for (int i = 0; i < wide.length; i++) {
                    frame[2 * i] = (byte) wide[i];
                    frame[2 * i + 1] = (byte) (wide[i] >> 8);
                }
                queue.offer(frame, 0);
            }
        }
    }
}
