package dev.patchbay.media.playout;

/**
 * Keeps a standing backlog out of the bot's audio. A bot that streams exactly in real time (an echo,
 * a pass-through, a realtime model paced 1:1) refills the playout queue as fast as it drains, so a
 * backlog formed once (call set-up, a GC pause, a burst of gRPC frames) would delay every word for
 * the rest of the call. When, over a whole window, the queue never fell below {@code floor + 1}
 * frames and the bot offered as many frames as ticks passed, the excess above the floor is dropped
 * once. A bot sending faster than real time (TTS bursts) or a queue that is draining is left alone,
 * so no speech that is merely queued ahead is ever cut. One per call, on the call's media loop.
 */
public final class BacklogTrimmer {

    private final int window;
    private final int floor;
    private int ticks;
    private long minDepth = Long.MAX_VALUE;
    private long offeredAtStart = -1;
    private long trimmed;

    /**
     * @param window slots observed before deciding, e.g. 50 (one second of 20 ms slots)
     * @param floor  frames left queued after a trim. Counted after each slot's packet, 0 means a frame
     *               still waiting after every slot of a window is pure delay
     */
    public BacklogTrimmer(int window, int floor) {
        if (window < 2 || floor < 0) {
            throw new IllegalArgumentException("window must be at least 2 ticks and floor at least 0 frames");
        }
        this.window = window;
        this.floor = floor;
    }

    /**
     * Call once per send slot, after the slot's packet left, so the depth seen is what waits beyond it.
     *
     * @return frames dropped now
     */
    public int tick(PlayoutQueue queue) {
        long offered = queue.offeredFrames();
        if (offeredAtStart < 0) {
            offeredAtStart = offered;
        }
        minDepth = Math.min(minDepth, queue.queuedFrames());
        if (++ticks < window) {
            return 0;
        }
        long arrived = offered - offeredAtStart;
        int dropped = 0;
        // "As many as ticks" within a frame either way: the bot keeps pace, it does not run ahead.
        if (minDepth > floor && Math.abs(arrived - ticks) <= 1) {
            dropped = queue.skip((int) Math.min(Integer.MAX_VALUE, minDepth - floor), floor);
            trimmed += dropped;
        }
        ticks = 0;
        minDepth = Long.MAX_VALUE;
        offeredAtStart = offered;
        return dropped;
    }

    /** Frames dropped so far. */
    public long trimmed() {
        return trimmed;
    }
}
