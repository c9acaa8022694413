package dev.patchbay.media.playout;

import java.util.concurrent.TimeUnit;

/**
 * Decides when one call's next RTP packet leaves, so the caller gets exactly one 20 ms packet per
 * 20 ms of wall clock, never more, whatever rhythm the bot's audio arrives in.
 *
 * <p>Packets leave on a grid of slots 20 ms apart. No packet leaves before its slot, so over any
 * window the stream holds no more packets than real time allows. The grid only ever moves later:
 * <ul>
 * <li>A bot frame that is already queued leaves at its slot. One that arrives after its slot, into
 *     an empty queue, leaves on arrival, and the grid moves to it: the playout delay grows by exactly
 *     that lateness. So a bot whose audio arrives with jitter settles at a delay just over its
 *     latest frame's lateness, without a packet added or a frame dropped.
 * <li>When nothing is queued at a slot and the bot was sending until now, the frame is waited for
 *     up to {@code hold} before a filler (silence, or a digit's next packet) takes the slot; a bot
 *     that is silent gets its fillers on the slot. A filler is never sent while bot audio is queued.
 * <li>After a stall of a frame or more (the loop descheduled, a GC pause), the grid restarts at the
 *     present instead of catching up with a burst.
 * </ul>
 * The delay comes back down at the next pause in the bot's audio, when the queue runs dry and the
 * next talkspurt meets the grid afresh. Times are arguments, never read from a clock, so tests
 * replay schedules exactly. Loop-owned.
 */
public final class PlayoutClock {

    /** What the next packet is, if one is due now. */
    public enum Slot { WAIT, VOICE, FILLER }

    public static final long FRAME = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long NONE = Long.MIN_VALUE;

    private final long hold;
    private boolean started;
    private long nextSlot;
    private long lastVoiceSlot = NONE;
    /** When bot audio landed in the empty queue, if it has not been sent since. */
    private long voiceSince = NONE;

    /** @param hold how long a late frame of a bot that is sending is waited for before a filler */
    public PlayoutClock(long hold) {
        if (hold < 0 || hold > FRAME) {
            throw new IllegalArgumentException("hold must be 0 to 20 ms, not " + TimeUnit.NANOSECONDS.toMillis(hold) + " ms");
        }
        this.hold = hold;
    }

    /** Bot audio landed in an empty queue at {@code now}. */
    public void voiceArrived(long now) {
        if (voiceSince == NONE) {
            voiceSince = now;
        }
    }

    /** What should leave now, given whether bot audio is queued. */
    public Slot due(long now, boolean voiceQueued) {
        if (!started) {
            return voiceQueued ? Slot.VOICE : Slot.FILLER;
        }
        if (voiceQueued) {
            return now - nextSlot >= 0 ? Slot.VOICE : Slot.WAIT;
        }
        return now - fillerAt() >= 0 ? Slot.FILLER : Slot.WAIT;
    }

    /** When the call next needs its loop, if no bot audio arrives before: {@code now} if at once. */
    public long wakeAt(long now, boolean voiceQueued) {
        if (!started) {
            return now;
        }
        return voiceQueued ? nextSlot : fillerAt();
    }

    /** The packet {@link #due} asked for left at {@code now}. */
    public void sent(Slot what, long now) {
        long slot;
        if (!started) {
            slot = now;
        } else if (what == Slot.VOICE) {
            slot = voiceSince == NONE ? nextSlot : Math.max(nextSlot, Math.min(voiceSince, now));
        } else {
            slot = fillerAt();
        }
        if (now - slot >= FRAME) {
            slot = now; // a stall: start the grid again here rather than send the missed slots at once
        }
        started = true;
        nextSlot = slot + FRAME;
        if (what == Slot.VOICE) {
            lastVoiceSlot = slot;
        }
        voiceSince = NONE; // a frame still queued was waiting for this grid; the next arrival is noted anew
    }

    /** A filler's slot: on the grid while the bot is silent, {@code hold} later while it is sending. */
    private long fillerAt() {
        boolean sending = lastVoiceSlot != NONE && nextSlot - lastVoiceSlot <= FRAME;
        return sending ? nextSlot + hold : nextSlot;
    }
}
