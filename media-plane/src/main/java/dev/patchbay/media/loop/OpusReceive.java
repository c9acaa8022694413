package dev.patchbay.media.loop;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

import dev.patchbay.media.jitter.JitterBuffer;

/**
 * Opus's receive stage (RFC 7587): decodes each packet at 16 kHz into the call's jitter buffer, and
 * conceals loss with the codec's own means.
 *
 * <p>Opus's decoder carries state from packet to packet, so it is fed in timestamp order, each
 * position once: a packet that arrives after a gap first has the gap made up, then is decoded. The
 * frame just before it comes from its in-band FEC (the caller adds it since our answer asks
 * {@code useinbandfec=1}; without FEC data the decoder falls back to PLC), older missing frames from
 * PLC, all as {@link JitterBuffer#fill}. A gap nothing has arrived after yet is concealed by PLC when
 * the jitter buffer gives up on it ({@link JitterBuffer.Concealer}). A packet for a position already
 * made up (reordered behind the one after it) is dropped: its FEC stood in for it.
 *
 * <p>The RTP clock is 48 kHz; the jitter buffer gets positions on a 16 kHz timeline starting at the
 * first packet (960 ticks, 320 samples per 20 ms). Loop-owned; nothing allocates per packet of ours.
 */
final class OpusReceive implements JitterBuffer.Concealer {

    /** 20 ms at 16 kHz. */
    static final int FRAME = 320;
    /** Opus's longest packet, 120 ms. */
    static final int MAX_SAMPLES = 6 * FRAME;
    /** A longer gap (DTX, hold) is not made up: like the jitter buffer, after 100 ms the loss is silence. */
    private static final int MAX_FILL = 5 * FRAME;
    private static final int TICKS_PER_SAMPLE = 3;

    private final JitterBuffer jitter;
    private final OpusDecoder decoder;
    private final short[] pcm = new short[MAX_SAMPLES];
    private boolean started;
    private long ticks;          // the newest packet's timestamp on an unwrapped 48 kHz clock, 0 at the first
    private long lastRtp;        //   and as it came
    private long expected;       // the next position the decoder makes, on the 16 kHz timeline
    private long fec, plc, filled, late, corrupt;

    OpusReceive(JitterBuffer jitter) {
        this.jitter = jitter;
        try {
            decoder = new OpusDecoder(16000, 1);
        } catch (OpusException e) {
            throw new IllegalStateException("concentus refused a 16 kHz mono decoder: " + e.getMessage(), e);
        }
        jitter.concealer(this);
    }

    /** One voice packet's payload with RTP timestamp {@code rtpTimestamp}, arrived at {@code nowNanos}. */
    void packet(long rtpTimestamp, byte[] buf, int off, int len, long nowNanos) {
        long position = position(rtpTimestamp);
        long gap = position - expected;
        if (!started || gap > MAX_FILL || gap < -MAX_FILL * 10) {
            started = true; // a first packet, a long silence or a restart: nothing to make up
        } else if (gap < 0) {
            late++;
            return;
        } else {
            makeUp(position, buf, off, len, nowNanos);
        }
        int samples;
        try {
            samples = decoder.decode(buf, off, len, pcm, 0, MAX_SAMPLES, false);
        } catch (OpusException | RuntimeException e) {
            corrupt++; // a malformed packet from the network; the next one decodes from a clean state
            decoder.resetState();
            return;
        }
        jitter.put(position & 0xFFFF_FFFFL, pcm, 0, samples, nowNanos);
        expected = position + samples;
    }

    /** FEC from the packet at {@code position} for the frame just before it, PLC for any frames before that. */
    private void makeUp(long position, byte[] buf, int off, int len, long nowNanos) {
        while (expected < position) {
            int n = (int) Math.min(FRAME, position - expected);
            boolean last = expected + n == position;
            if (!decodeInto(last ? buf : null, off, last ? len : 0, n, last)) {
                return;
            }
            jitter.fill(expected & 0xFFFF_FFFFL, pcm, 0, n, nowNanos);
            expected += n;
            filled++;
        }
    }

    @Override
    public boolean conceal(long position, short[] out) {
        if (!started || position != expected || out.length != FRAME) {
            return false; // the decoder is not at that frame: the buffer's own repetition does
        }
        if (!decodeInto(null, 0, 0, FRAME, false)) {
            return false;
        }
        System.arraycopy(pcm, 0, out, 0, FRAME);
        expected += FRAME;
        return true;
    }

    private boolean decodeInto(byte[] buf, int off, int len, int samples, boolean useFec) {
        try {
            decoder.decode(buf, off, len, pcm, 0, samples, useFec);
        } catch (OpusException | RuntimeException e) {
            corrupt++;
            decoder.resetState();
            return false;
        }
        if (useFec) {
            fec++;
        } else {
            plc++;
        }
        return true;
    }

    private long position(long rtpTimestamp) {
        if (!started) {
            ticks = 0;
        } else {
            ticks += (int) (rtpTimestamp - lastRtp); // the signed 32-bit step: wraps and reordering alike
        }
        lastRtp = rtpTimestamp;
        return Math.floorDiv(ticks, TICKS_PER_SAMPLE);
    }

    /** A new source: a new timeline and a decoder without the old one's state. */
    void reset() {
        started = false;
        decoder.resetState();
    }

    /** Frames made up from the next packet's in-band FEC. */
    long fecFrames() { return fec; }

    /** Frames made up by the decoder's loss concealment. */
    long plcFrames() { return plc; }

    /** Frames made up when the packet after them came (FEC or PLC), beside those the jitter buffer concealed. */
    long filledFrames() { return filled; }

    /** Packets dropped because their position was already made up, or duplicates. */
    long late() { return late; }

    /** Packets the decoder refused. */
    long corrupt() { return corrupt; }
}
