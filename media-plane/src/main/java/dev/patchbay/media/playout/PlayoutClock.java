package dev.patchbay.media.playout;

import java.util.concurrent.TimeUnit;

/**
 * Decides when one call's next RTP packet leaves, so the caller gets one 20 ms packet per 20 ms of
 * wall clock, never more, whatever rhythm the bot's audio arrives in.
 *
 * <p>Packets leave on a grid of slots 20 ms apart, or {@link #SLEW} less while bot audio waits ahead
 * of its slot. No packet leaves before its slot, so any 52 packets in a row span more than a second:
 * the stream never holds more than real time allows. The grid moves later for late audio, within one
 * talkspurt of the bot by at most {@link #MAX_DRIFT} net of what it slewed back, the playout target:
 * <ul>
 * <li>A bot frame that is already queued leaves at its slot. One that arrives after its slot, into
 *     an empty queue, leaves on arrival, and the grid moves to it: the playout delay grows by exactly
 *     that lateness, without a packet added or a frame dropped.
 * <li>When nothing is queued at a slot and the bot was sending until now, the frame is waited for
 *     up to {@code hold} (less what is left of the drift allowed) before a filler (silence, or a
 *     digit's next packet) takes the slot; a bot that is silent gets its fillers on the slot. So a bot
 *     slower than real time gets fillers between its frames once the drift is spent, and the stream
 *     stays at 50 packets a second. A filler is never sent while bot audio is queued.
 * <li>After a stall of half a frame or more (the loop descheduled, a GC pause), the grid restarts at
 *     the present instead of catching up with a burst.
 * <li>While the bot's frames arrive ahead of their slots, the grid slews earlier by up to {@link #SLEW}
 *     a packet, never past a frame's arrival. So what a late frame, or the grid's phase when a
 *     talkspurt began, added to the delay comes back down within a talkspurt too (an echo never
 *     pauses): a jittery bot settles where its late frames' moves balance the slew.
 * </ul>
 * Times are arguments, never read from a clock, so tests replay schedules exactly. Loop-owned.
 */
public final class PlayoutClock {

    /** What the next packet is, if one is due now. */
    public enum Slot { WAIT, VOICE, FILLER }

    public static final long FRAME = TimeUnit.MILLISECONDS.toNanos(20);
    /** How far the grid may stand later in one talkspurt, net of its slew back: two frames, the playout target. */
    public static final long MAX_DRIFT = 2 * FRAME;
    /** Bot silence that ends a talkspurt: longer than the fillers a slow or jittery bot gets between frames. */
    private static final long PAUSE = 5 * FRAME;
    /**
     * A packet that left this late restarts the grid where it left: the next one then waits a whole
     * frame, so any 52 packets in a row span more than a second by a margin.
     */
    private static final long LATE = FRAME / 2;
    /**
     * How much sooner than a frame after the last the next slot may come while audio waits ahead of
     * it. A packet may leave up to {@link #LATE} after its slot, so 52 in a row span at least
     * 51 × (20 ms − SLEW) − 10 ms = 1,000.3 ms: real time still, and 9.5 ms a second back.
     */
    public static final long SLEW = 190_000;
    /** The least span of 52 packets in a row: a second and a margin for the send itself. */
    private static final long SECOND = TimeUnit.MILLISECONDS.toNanos(1001);
    private static final long NONE = Long.MIN_VALUE;

    private final long hold;
    private boolean started;
    private long nextSlot;
    private long lastVoiceSlot = NONE;
    /** When bot audio landed in the empty queue, if it has not been sent since. */
    private long voiceSince = NONE;
    /** How far the grid has moved later in this talkspurt, net of its slewing back. */
    private long drift;
    /**
     * When each of the last 51 packets left, a ring: the next may not leave within {@link #SECOND}
     * of the oldest. The slots already keep that (see {@link #SLEW}); this holds it whatever the loop's lag.
     */
    private final long[] recent = new long[51];
    private long packets;

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
        if (tooSoon(now)) {
            return Slot.WAIT;
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
        long at = voiceQueued ? nextSlot : fillerAt();
        return tooSoon(at) ? oldest() + SECOND : at;
    }

    /** Whether a packet at {@code t} would make 52 in a row within a second. */
    private boolean tooSoon(long t) {
        return packets >= recent.length && t - (oldest() + SECOND) < 0;
    }

    /** When the packet 51 before the next one left. */
    private long oldest() {
        return recent[(int) (packets % recent.length)];
    }

    /** The packet {@link #due} asked for has left; {@code now} is read after it did. */
    public void sent(Slot what, long now) {
        long slot;
        long back = 0; // how much sooner than a frame on the next slot comes
        if (!started) {
            slot = now;
        } else if (what == Slot.VOICE) {
            if (lastVoiceSlot == NONE || nextSlot - lastVoiceSlot > PAUSE) {
                drift = 0; // a talkspurt begins
            }
            // On arrival if it came after its slot, but no later than a filler would have gone.
            long arrival = voiceSince == NONE ? nextSlot : Math.min(voiceSince, now);
            slot = Math.max(nextSlot, Math.min(arrival, fillerAt()));
            // Queued since the last packet left, or how long it waited for this slot.
            back = voiceSince == NONE ? SLEW : Math.max(0, Math.min(SLEW, slot - arrival));
        } else {
            slot = fillerAt();
        }
        if (started && now - slot < LATE) {
            drift = Math.max(0, drift + slot - nextSlot - back);
        } else {
            slot = now; // a stall: start the grid again here rather than send the missed slots at once
            back = 0;
        }
        started = true;
        recent[(int) (packets++ % recent.length)] = now;
        nextSlot = slot + FRAME - back;
        if (what == Slot.VOICE) {
            lastVoiceSlot = slot;
        }
        voiceSince = NONE; // a frame still queued was waiting for this grid; the next arrival is noted anew
    }

    /** A filler's slot: on the grid while the bot is silent, up to {@code hold} later while it is sending. */
    private long fillerAt() {
        return sending() ? nextSlot + Math.max(0, Math.min(hold, MAX_DRIFT - drift)) : nextSlot;
    }

    /** Whether the last packet carried bot audio. */
    private boolean sending() {
        return lastVoiceSlot != NONE && nextSlot - lastVoiceSlot <= FRAME;
    }
}
