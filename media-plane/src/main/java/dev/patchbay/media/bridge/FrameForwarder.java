package dev.patchbay.media.bridge;

import java.util.function.BooleanSupplier;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.loop.FrameTap;
import dev.patchbay.media.playout.PlayoutQueue;

/**
 * One direction of a bridge: each 20 ms frame one leg hears from its far end is encoded in the other
 * leg's G.711 law and queued for it to send. Runs on the hearing leg's media loop; the other leg's
 * playout queue takes producers from any thread, so each leg's media keeps its one owner. The law is
 * read per frame because a re-INVITE may change it. Allocates nothing per frame.
 */
public final class FrameForwarder implements FrameTap {

    static final int SAMPLES = 160;

    private final PlayoutQueue to;
    private final BooleanSupplier ulaw;
    private final byte[] encoded = new byte[SAMPLES];
    private long forwarded;

    public FrameForwarder(PlayoutQueue to, BooleanSupplier ulaw) {
        this.to = to;
        this.ulaw = ulaw;
    }

    @Override
    public void frame(short[] pcm) {
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
