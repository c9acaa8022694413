package dev.patchbay.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The echo tag is found wherever a jitter buffer's skip or stretch has moved it. */
class RtpPacerTest {

    private static byte[] packet(int seq) {
        byte[] b = new byte[12 + RtpPacer.FRAME];
        RtpPacer.fill(b, seq, 20);
        return b;
    }

    @Test
    void anUnshiftedEchoHasItsTagAtTheStart() {
        byte[] b = packet(300);
        assertEquals(12, RtpPacer.findTag(b));
        assertEquals(300, RtpPacer.tagSequence(b, 12));
    }

    @Test
    void anEchoShiftedByAnyNumberOfSamplesStillYieldsItsTag() {
        for (int shift = 1; shift < RtpPacer.FRAME; shift++) {
            byte[] earlier = packet(41);
            byte[] later = packet(42);
            byte[] echo = new byte[12 + RtpPacer.FRAME];
            // The echo's first `shift` samples end the earlier packet, the rest start the later one.
            System.arraycopy(earlier, 12 + RtpPacer.FRAME - shift, echo, 12, shift);
            System.arraycopy(later, 12, echo, 12 + shift, RtpPacer.FRAME - shift);
            int tag = RtpPacer.findTag(echo);
            // From 80 samples on, the earlier packet's second-half tag is whole and comes first.
            boolean earlierHalf = shift >= 80;
            assertEquals(12 + (earlierHalf ? shift - 80 : shift), tag, "tag position at shift " + shift);
            assertEquals(earlierHalf ? 41 : 42, RtpPacer.tagSequence(echo, tag), "sequence at shift " + shift);
            assertEquals(earlierHalf ? 10_000_000L : 0, RtpPacer.halfOffsetNanos(echo, tag), "half at shift " + shift);
        }
    }

    @Test
    void aTwentyMillisecondEchoOfThirtyMillisecondPacketsIsTimedByTheTagItStartsWith() {
        byte[] first = new byte[12 + 240];
        byte[] second = new byte[12 + 240];
        RtpPacer.fill(first, 7, 30);
        RtpPacer.fill(second, 8, 30);
        // The caller's stream re-cut into 20 ms frames: the second frame is the first packet's last
        // 10 ms part and the second packet's first.
        byte[] echo = new byte[12 + RtpPacer.FRAME];
        System.arraycopy(first, 12 + 160, echo, 12, 80);
        System.arraycopy(second, 12, echo, 12 + 80, 80);
        int tag = RtpPacer.findTag(echo);
        assertEquals(12, tag);
        assertEquals(7, RtpPacer.tagSequence(echo, tag));
        assertEquals(20_000_000L, RtpPacer.halfOffsetNanos(echo, tag), "the third 10 ms part, 20 ms into its packet");
    }

    @Test
    void aSequenceByteThatLooksLikeAMarkerIsNotMistakenForOne() {
        int seq = 0x10 + 127 * 0x2f; // low byte 0x10 (a marker value), high byte 0x2f (the filler after marker 0x10)
        byte[] b = packet(seq);
        assertEquals(12, RtpPacer.findTag(b));
        assertEquals(seq, RtpPacer.tagSequence(b, 12));
    }

    @Test
    void silenceHasNoTag() {
        byte[] b = new byte[12 + RtpPacer.FRAME];
        java.util.Arrays.fill(b, 12, b.length, (byte) 0xFF);
        assertEquals(-1, RtpPacer.findTag(b));
    }
}
