package dev.patchbay.media.playout;

import java.util.concurrent.TimeUnit;

/**
 * Decides when one call's next RTP packet leaves, so bot audio goes to the caller the moment it
 * arrives instead of waiting for a 20 ms tick, while the stream keeps 50 packets a second.
 *
 * <ul>
 * <li>A bot frame may leave once the call has at least 10 ms of send credit. Credit grows with time
 *     and a bot frame spends 20 ms of it; it is capped at 80 ms, so the frames of a stall of up to
 *     70 ms (a GC pause, a busy core) all go at once when it ends instead of one standing in the queue
 *     for the rest of the call, while a burst (text-to-speech ahead of real time) leaves at 50 packets
 *     a second after its first four.
 * <li>A filler (silence, or a telephone-event's next packet) keeps the stream going when the bot is
 *     silent: on every 20 ms tick while no bot audio has been sent for 40 ms; while bot audio flows,
 *     only when a slot has been missed by more than 5 ms. A filler spends no credit: it fills a gap,
 *     and a bot frame arriving just after it must still go at once, or that frame and every later
 *     one would wait for the next tick (a standing 20 ms, then a dropped frame to undo it).
 * </ul>
 * Times are arguments, never read from a clock, so tests replay schedules exactly. Loop-owned.
 */
public final class SendPacer {

    static final long FRAME = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long VOICE_CREDIT = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_CREDIT = 4 * FRAME;
    private static final long STREAMING_FOR = 2 * FRAME;
    private static final long TICK_SLACK = TimeUnit.MILLISECONDS.toNanos(5);

    private long credit = MAX_CREDIT;
    private long creditAt;
    private long lastSent;
    private long lastVoice;
    private boolean started;
    private boolean clocked;

    /** Whether a queued bot frame may leave now. */
    public boolean voiceDue(long now) {
        refill(now);
        return credit >= VOICE_CREDIT;
    }

    /** On a 20 ms tick with no bot frame to send: whether a filler should leave now. */
    public boolean fillerDue(long now) {
        refill(now);
        if (!started) {
            return true;
        }
        boolean streaming = now - lastVoice < STREAMING_FOR;
        long since = now - lastSent;
        return streaming ? since >= FRAME + TICK_SLACK : since >= FRAME - TICK_SLACK;
    }

    /** A packet left now; {@code voice} when it carried bot audio. */
    public void sent(long now, boolean voice) {
        refill(now);
        lastSent = now;
        if (voice) {
            credit -= FRAME;
            lastVoice = now;
        }
        started = true;
    }

    /**
     * Bot frames were dropped rather than sent (a standing backlog trimmed): their slots go to the
     * frames behind them, which would otherwise keep waiting for credit the dropped ones never used.
     */
    public void skipped(int frames) {
        credit = Math.min(MAX_CREDIT, credit + frames * FRAME);
    }

    private void refill(long now) {
        if (!clocked) {
            clocked = true;
            creditAt = now;
            lastVoice = now - STREAMING_FOR;
        }
        credit = Math.min(MAX_CREDIT, credit + (now - creditAt));
        creditAt = now;
    }
}
