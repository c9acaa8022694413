package dev.patchbay.media.dtmf;

/**
 * Plays queued digits as RFC 4733 telephone-events, one packet per 20 ms slot in place of voice.
 * Each event keeps the RTP timestamp of its first packet while its duration grows by 20 ms of the
 * event clock (160 at 8 kHz, 960 at Opus's 48 kHz: events run at the voice's RTP clock); the first
 * packet carries the marker, and the end packet goes out three times with the same sequence number,
 * as carriers expect. Digits are separated by 60 ms of ordinary audio; ',' pauses 500 ms.
 *
 * <p>Owned by the call's media loop; {@link #enqueue} is called there too. Allocation-free.
 */
public final class Rfc4733Sender {

    /** What the next tick should send. */
    public enum Tick { VOICE, EVENT, EVENT_REPEAT }

    private static final int VOLUME = 10;        // -10 dBm0
    private static final int END_COPIES = 3;
    /** The 16-bit duration field's limit: 8.2 s at 8 kHz, 1.37 s at 48 kHz (no digit is held that long). */
    private static final int MAX_DURATION = 0xFFFF;

    private final int ticksPerMs;
    private final int tick;                      // one 20 ms packet
    private final int digitGap;                  // 60 ms between digits
    private final int pause;                     // ',' = 500 ms

    private final char[] queue = new char[64];
    private int head;
    private int size;
    private int durationSamples;

    private int event = -1;                      // the event code being sent, or -1
    private long eventTimestamp;
    private int elapsed;
    private int endsSent;
    private int gap;
    private boolean marker;

    /** @param clockRate the telephone-event clock negotiated, 8000 or 48000 (a multiple of 1000) */
    public Rfc4733Sender(int clockRate) {
        if (clockRate < 8000 || clockRate % 1000 != 0) {
            throw new IllegalArgumentException("telephone-event clock " + clockRate + " Hz: expected 8000, 16000 or 48000");
        }
        ticksPerMs = clockRate / 1000;
        tick = 20 * ticksPerMs;
        digitGap = 60 * ticksPerMs;
        pause = 500 * ticksPerMs;
        durationSamples = 100 * ticksPerMs;
    }

    /**
     * Queues digits (0-9 * # A-D, ',' for a pause) of {@code durationMs} each.
     *
     * @return false, queueing nothing, if a character is not a key or the queue would overflow
     */
    public boolean enqueue(CharSequence digits, int durationMs) {
        if (digits.length() > queue.length - size) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c != ',' && code(c) < 0) {
                return false;
            }
        }
        for (int i = 0; i < digits.length(); i++) {
            queue[(head + size++) % queue.length] = Character.toUpperCase(digits.charAt(i));
        }
        durationSamples = Math.min(Math.max(40, Math.min(durationMs, 5000)) * ticksPerMs, MAX_DURATION);
        return true;
    }

    public boolean busy() {
        return event >= 0 || size > 0 || gap > 0;
    }

    /**
     * Decides this tick. For EVENT and EVENT_REPEAT, {@link #write} fills the payload and
     * {@link #timestamp()} and {@link #marker()} give the header fields; an EVENT_REPEAT reuses the
     * previous packet's sequence number.
     *
     * @param voiceTimestamp the RTP timestamp a voice packet would carry now
     */
    public Tick tick(long voiceTimestamp) {
        if (event < 0) {
            if (gap > 0) {
                gap = Math.max(0, gap - tick);
                return Tick.VOICE;
            }
            if (size == 0) {
                return Tick.VOICE;
            }
            char next = queue[head];
            head = (head + 1) % queue.length;
            size--;
            if (next == ',') {
                gap = pause - tick;
                return Tick.VOICE;
            }
            event = code(next);
            eventTimestamp = voiceTimestamp;
            endsSent = 0;
            marker = true;
            elapsed = Math.min(tick, durationSamples);
            return Tick.EVENT;
        }
        marker = false;
        if (elapsed < durationSamples) {
            elapsed = Math.min(elapsed + tick, durationSamples);
            return Tick.EVENT;
        }
        return endsSent == 0 ? Tick.EVENT : Tick.EVENT_REPEAT;
    }

    /** Writes the 4-byte event payload for this tick; returns 4. */
    public int write(byte[] buf, int off) {
        boolean end = elapsed >= durationSamples;
        buf[off] = (byte) event;
        buf[off + 1] = (byte) ((end ? 0x80 : 0) | VOLUME);
        buf[off + 2] = (byte) (elapsed >> 8);
        buf[off + 3] = (byte) elapsed;
        if (end && ++endsSent == END_COPIES) {
            event = -1;
            gap = digitGap;
        }
        return 4;
    }

    public long timestamp() {
        return eventTimestamp;
    }

    public boolean marker() {
        return marker;
    }

    static int code(char c) {
        return switch (Character.toUpperCase(c)) {
            case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> c - '0';
            case '*' -> 10;
            case '#' -> 11;
            case 'A', 'B', 'C', 'D' -> 12 + Character.toUpperCase(c) - 'A';
            default -> -1;
        };
    }
}
