package dev.patchbay.media.dtmf;

import java.time.Duration;
import java.util.Objects;

import dev.patchbay.media.rtp.RtpPacket;

/**
 * Turns RFC 4733 telephone-event packets into DTMF digits, each reported once as it begins and once
 * as it ends. One per call, fed from the call's receive loop; not thread-safe, allocation-free.
 *
 * <p>An event is identified by its RTP timestamp alone, which the sender keeps constant for the
 * whole event while the duration field grows. That is what real carriers get right; the marker bit
 * (some never set it) and the sequence number (the three end packets share one) are not reliable,
 * so neither is used. Consequences:
 * <ul>
 *   <li>a repeated digit such as "11" is two events because the timestamps differ;</li>
 *   <li>the repeated end packets, and any straggler of a finished event, report nothing;</li>
 *   <li>a new timestamp ends an event whose end packets were all lost, as does silence longer than
 *       the end timeout when the caller passes arrival times and calls {@link #expire}.</li>
 * </ul>
 *
 * <p>Events 0..15 are the digits {@code 0-9 * # A-D}. Other events (16 is hook flash) go through the
 * same tracking so their repeats are recognised, but are never reported, only counted.
 *
 * <p>Known limits: only the first 4-byte event block of a payload is read (multi-event packing is
 * rare); an event longer than the 16-bit duration field (about 8 s at 8 kHz) that the sender splits
 * into segments reports each segment as a new press.
 */
public final class Rfc4733Receiver {

    /** What one packet, or one {@link #expire} call, meant. */
    public enum Result {
        /** Nothing new: a continuation, a repeated end packet, or a straggler of a finished event. */
        NONE(false, false),
        /** A digit was pressed: {@link Rfc4733Receiver#digit()}. Report it now. */
        BEGIN(true, false),
        /** A digit was released: {@link Rfc4733Receiver#endedDigit()} and {@link Rfc4733Receiver#endedDuration()}. */
        END(false, true),
        /**
         * Both at once: a new digit began ({@link Rfc4733Receiver#digit()}) and an event ended
         * ({@link Rfc4733Receiver#endedDigit()}). Either the new event's first surviving packet was
         * already an end packet, so the ended event is the new one; or the new event cut short an
         * older one whose end packets were lost, so the ended event is the older one.
         */
        BEGIN_AND_END(true, true),
        /** An event that is not a DTMF digit (e.g. 16, flash) began; counted in {@link Rfc4733Receiver#ignoredEvents()}. */
        IGNORED(false, false),
        /** A payload shorter than the 4-byte event block; counted in {@link Rfc4733Receiver#malformed()}. */
        MALFORMED(false, false);

        private final boolean began;
        private final boolean ended;

        Result(boolean began, boolean ended) {
            this.began = began;
            this.ended = ended;
        }

        /** True for BEGIN and BEGIN_AND_END: a digit to pass on. Test this rather than {@code == BEGIN}. */
        public boolean began() {
            return began;
        }

        /** True for END and BEGIN_AND_END. */
        public boolean ended() {
            return ended;
        }
    }

    /** Passed as the arrival time when the caller has none; such events end only by packets. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /**
     * Senders refresh an event every 20 to 50 ms, so half a second of silence means its end packets
     * were lost. Ending late costs only duration accuracy, and ending early costs nothing, because
     * the event's later packets are then recognised as stragglers.
     */
    public static final Duration DEFAULT_END_TIMEOUT = Duration.ofMillis(500);

    /**
     * How far behind the newest event a timestamp may be and still count as a reordered straggler
     * (about 2 minutes at 8 kHz). Anything further back means the sender's timeline moved, e.g. a
     * new SSRC after a transfer, and is taken as a new event rather than ignored for good.
     */
    private static final long STALE_WINDOW = 1L << 20;

    private static final String DIGITS = "0123456789*#ABCD";
    private static final char NOT_A_DIGIT = 0;

    private final long endTimeoutNanos;

    // The event in progress.
    private boolean open;
    private long openTimestamp;
    private char openDigit;
    private int openDuration;
    private boolean openEndSeen;
    private long lastArrivalNanos = NO_TIME;

    // The last finished event, remembered so its repeated end packets are not a new press.
    private boolean closedAny;
    private long closedTimestamp;

    // What the last result refers to.
    private char digit;
    private char endedDigit;
    private int endedDuration;
    private boolean endConfirmed;

    private long malformed;
    private long ignoredEvents;
    private long stalePackets;
    private long unconfirmedEnds;

    public Rfc4733Receiver() {
        this(DEFAULT_END_TIMEOUT);
    }

    public Rfc4733Receiver(Duration endTimeout) {
        if (endTimeout.isNegative() || endTimeout.isZero()) {
            throw new IllegalArgumentException("endTimeout must be positive, was " + endTimeout);
        }
        this.endTimeoutNanos = endTimeout.toNanos();
    }

    /** Feeds a parsed packet's payload without an arrival time. */
    public Result feed(RtpPacket packet) {
        return feed(packet.timestamp(), packet.buffer(), packet.payloadOffset(), packet.payloadLength(), NO_TIME);
    }

    /** Feeds a parsed packet's payload that arrived at {@code arrivalNanos} (any monotonic nanosecond clock). */
    public Result feed(RtpPacket packet, long arrivalNanos) {
        return feed(packet.timestamp(), packet.buffer(), packet.payloadOffset(), packet.payloadLength(), arrivalNanos);
    }

    /** Feeds one telephone-event payload without an arrival time. */
    public Result feed(long rtpTimestamp, byte[] buf, int payloadOff, int payloadLen) {
        return feed(rtpTimestamp, buf, payloadOff, payloadLen, NO_TIME);
    }

    /**
     * Feeds one telephone-event payload, {@code buf[payloadOff .. payloadOff+payloadLen)}, carried
     * by a packet with RTP timestamp {@code rtpTimestamp} that arrived at {@code arrivalNanos}, or
     * {@link #NO_TIME}.
     */
    public Result feed(long rtpTimestamp, byte[] buf, int payloadOff, int payloadLen, long arrivalNanos) {
        Objects.checkFromIndexSize(payloadOff, payloadLen, buf.length);
        if (payloadLen < 4) {
            malformed++;
            return Result.MALFORMED;
        }
        long ts = rtpTimestamp & 0xFFFF_FFFFL;
        int event = buf[payloadOff] & 0xFF;
        boolean end = (buf[payloadOff + 1] & 0x80) != 0;
        int duration = ((buf[payloadOff + 2] & 0xFF) << 8) | (buf[payloadOff + 3] & 0xFF);

        if (open && ts == openTimestamp) {
            return continueOpen(end, duration, arrivalNanos);
        }
        if (closedAny && ts == closedTimestamp) {
            return Result.NONE;
        }
        long behind = ((open ? openTimestamp : closedTimestamp) - ts) & 0xFFFF_FFFFL;
        if ((open || closedAny) && behind > 0 && behind < STALE_WINDOW) {
            // Reordered from an event older than the newest one: it cannot start anything.
            stalePackets++;
            return Result.NONE;
        }
        return startNew(ts, event, end, duration, arrivalNanos);
    }

    /**
     * Ends the event in progress if nothing for it has arrived for the end timeout. Call it from a
     * periodic tick with the same clock as the arrival times.
     *
     * @return {@link Result#END} if a digit ended here, else {@link Result#NONE}
     */
    public Result expire(long nowNanos) {
        if (!open || lastArrivalNanos == NO_TIME || nowNanos - lastArrivalNanos < endTimeoutNanos) {
            return Result.NONE;
        }
        return close(false) ? Result.END : Result.NONE;
    }

    /** Forgets the event in progress and the last finished one, e.g. when the sender's SSRC changes. Counters stay. */
    public void reset() {
        open = false;
        closedAny = false;
        lastArrivalNanos = NO_TIME;
    }

    private Result continueOpen(boolean end, int duration, long arrivalNanos) {
        if (arrivalNanos != NO_TIME) {
            lastArrivalNanos = arrivalNanos;
        }
        // Packets can be reordered; the longest duration seen is the best estimate.
        openDuration = Math.max(openDuration, duration);
        if (!end) {
            return Result.NONE;
        }
        return close(true) ? Result.END : Result.NONE;
    }

    private Result startNew(long ts, int event, boolean end, int duration, long arrivalNanos) {
        boolean endedPrevious = open && close(false);
        open = true;
        openTimestamp = ts;
        openDigit = event < DIGITS.length() ? DIGITS.charAt(event) : NOT_A_DIGIT;
        openDuration = duration;
        openEndSeen = false;
        lastArrivalNanos = arrivalNanos;
        if (openDigit == NOT_A_DIGIT) {
            ignoredEvents++;
            if (end) {
                close(true);
            }
            return endedPrevious ? Result.END : Result.IGNORED;
        }
        digit = openDigit;
        if (!end) {
            return endedPrevious ? Result.BEGIN_AND_END : Result.BEGIN;
        }
        if (endedPrevious) {
            // The ended slot already holds the older event; this one's end is reported by its next
            // repeated end packet, or by expiry or the next event if none arrives.
            openEndSeen = true;
            return Result.BEGIN_AND_END;
        }
        close(true);
        return Result.BEGIN_AND_END;
    }

    /** Closes the open event; true if it was a digit, whose end is now in the ended slot. */
    private boolean close(boolean byEndPacket) {
        open = false;
        closedAny = true;
        closedTimestamp = openTimestamp;
        if (openDigit == NOT_A_DIGIT) {
            return false;
        }
        endedDigit = openDigit;
        endedDuration = openDuration;
        endConfirmed = byEndPacket || openEndSeen;
        if (!endConfirmed) {
            unconfirmedEnds++;
        }
        return true;
    }

    /** The digit that began, after {@link Result#began()}: one of {@code 0-9 * # A-D}. */
    public char digit() {
        return digit;
    }

    /** The digit that ended, after {@link Result#ended()}. */
    public char endedDigit() {
        return endedDigit;
    }

    /**
     * How long the ended digit lasted, in RTP timestamp units of the telephone-event clock (160 per
     * 20 ms at 8 kHz). For an unconfirmed end this is the longest duration seen, so a lower bound.
     */
    public int endedDuration() {
        return endedDuration;
    }

    /** True if the ended digit's end packet arrived; false if it was ended by expiry or by a newer event. */
    public boolean endConfirmed() {
        return endConfirmed;
    }

    /** True while an event has begun and not yet ended. */
    public boolean active() {
        return open;
    }

    /** Payloads shorter than 4 bytes. */
    public long malformed() {
        return malformed;
    }

    /** Events that are not DTMF digits, counted once per event. */
    public long ignoredEvents() {
        return ignoredEvents;
    }

    /** Packets of an event older than the newest one, arriving out of order. */
    public long stalePackets() {
        return stalePackets;
    }

    /** Digits whose end packets never arrived; they were ended by expiry or by a newer event. */
    public long unconfirmedEnds() {
        return unconfirmedEnds;
    }
}
