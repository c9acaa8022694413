package dev.patchbay.media.bridge;

import java.util.function.BooleanSupplier;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.loop.FrameTap;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.resample.Downsampler;
import dev.patchbay.media.resample.Upsampler;

/**
 * One direction of a bridge: each 20 ms frame one leg hears from its far end is encoded in the other
 * leg's G.711 law, or as 16 kHz L16 for a G.722 leg, and queued for it to send; a frame crosses
 * between 8 and 16 kHz only where the two legs' rates differ. Runs on the hearing leg's media loop; the other leg's
 * playout queue takes producers from any thread, so each leg's media keeps its one owner. The law is
 * read per frame because a re-INVITE may change it. Allocates nothing per frame.
 */
public final class FrameForwarder implements FrameTap {

    static final int SAMPLES = 160;

    private final PlayoutQueue to;
    private final BooleanSupplier ulaw;
    private final byte[] encoded = new byte[4 * SAMPLES];
    private final Upsampler up = new Upsampler();
    private final Downsampler down = new Downsampler();
    private final short[] converted = new short[2 * SAMPLES];
    private long forwarded;

    public FrameForwarder(PlayoutQueue to, BooleanSupplier ulaw) {
        this.to = to;
        this.ulaw = ulaw;
    }

    @Override
    public void frame(short[] pcm) {
        boolean wideFrom = pcm.length == 2 * SAMPLES;
        if (to.frameBytes() == 4 * SAMPLES) {
            if (!wideFrom) {
                up.process(pcm, 0, SAMPLES, converted, 0);
                pcm = converted;
            }
            for (int i = 0; i < 2 * SAMPLES; i++) {
                encoded[2 * i] = (byte) pcm[i];
                encoded[2 * i + 1] = (byte) (pcm[i] >> 8);
            }
            to.offer(encoded, 0);
            forwarded++;
            return;
        }
        if (wideFrom) {
            int n = 0;
            for (short sample : pcm) {
                if (down.push(sample)) {
                    converted[n++] = down.output();
                }
            }
            pcm = converted;
        }
        if (ulaw.getAsBoolean()) {
            G711.encodeUlaw(pcm, 0, SAMPLES, encoded, 0);
        } else {
            G711.encodeAlaw(pcm, 0, SAMPLES, encoded, 0);
        }
        to.offer(encoded, 0);
        forwarded++;
    }

    /** Frames forwarded so far; read on the owning loop (or after it stopped). */
    public long forwarded() {
        return forwarded;
    }
}
