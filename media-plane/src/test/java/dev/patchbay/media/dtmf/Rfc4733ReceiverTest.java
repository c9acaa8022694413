package dev.patchbay.media.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.patchbay.media.dtmf.Rfc4733Receiver.Result;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.media.testutil.Hex;

/**
 * Whole RTP packets in hex, header then the 4-byte event block (event, E|R|volume, duration).
 * PT 101 is 0x65, or 0xe5 with the marker.
 */
class Rfc4733ReceiverTest {

    /** Digit 1 exactly as in SIPp's dtmf_2833_1.pcap: marker on the first, three identical end packets. */
    static final List<String> SIPP_DIGIT_1 = List.of(
            "80e5 1f30 000033e0 0e05384e  010a0000",
            "8065 1f31 000033e0 0e05384e  010a0140",
            "8065 1f32 000033e0 0e05384e  010a0280",
            "8065 1f33 000033e0 0e05384e  010a03c0",
            "8065 1f34 000033e0 0e05384e  010a0500",
            "8065 1f35 000033e0 0e05384e  010a0640",
            "8065 1f36 000033e0 0e05384e  010a0780",
            "8065 1f37 000033e0 0e05384e  018a08c0",
            "8065 1f37 000033e0 0e05384e  018a08c0",
            "8065 1f37 000033e0 0e05384e  018a08c0");

    private final Rfc4733Receiver receiver = new Rfc4733Receiver();
    private final RtpPacket packet = new RtpPacket();

    @Test
    void aRealEventIsReportedOnceWhenItBeginsAndOnceWhenItEnds() {
        assertEquals(Result.BEGIN, feed(SIPP_DIGIT_1.get(0)));
        assertEquals('1', receiver.digit());
        assertTrue(receiver.active());
        for (int i = 1; i < 7; i++) {
            assertEquals(Result.NONE, feed(SIPP_DIGIT_1.get(i)), "update " + i);
        }
        assertEquals(Result.END, feed(SIPP_DIGIT_1.get(7)));
        assertEquals('1', receiver.endedDigit());
        assertEquals(0x8c0, receiver.endedDuration());
        assertTrue(receiver.endConfirmed());
        assertFalse(receiver.active());
        assertEquals(Result.NONE, feed(SIPP_DIGIT_1.get(8)), "second copy of the end packet");
        assertEquals(Result.NONE, feed(SIPP_DIGIT_1.get(9)), "third copy of the end packet");
        assertEquals(0, receiver.unconfirmedEnds());
    }

    @Test
    void aCarrierThatNeverSetsTheMarkerStillGetsItsDigit() {
        assertEquals(Result.BEGIN, feed("8065 0100 00001000 11223344  050a00a0"));
        assertEquals('5', receiver.digit());
        assertEquals(Result.NONE, feed("8065 0101 00001000 11223344  050a0140"));
        assertEquals(Result.NONE, feed("8065 0102 00001000 11223344  050a01e0"));
        assertEquals(Result.END, feed("8065 0103 00001000 11223344  058a0280"));
        assertEquals(640, receiver.endedDuration());
        assertEquals(Result.NONE, feed("8065 0103 00001000 11223344  058a0280"));
        assertEquals(Result.NONE, feed("8065 0103 00001000 11223344  058a0280"));
    }

    @Test
    void aRepeatedDigitIsTwoEventsBecauseTheTimestampsDiffer() {
        StringBuilder digits = new StringBuilder();
        String[] wire = {
            "80e5 0200 00003000 11223344  010a0000",
            "8065 0201 00003000 11223344  010a00a0",
            "8065 0202 00003000 11223344  018a0140",
            "8065 0202 00003000 11223344  018a0140",
            "8065 0202 00003000 11223344  018a0140",
            // the second press, from a carrier that does not mark it
            "8065 0203 00003780 11223344  010a0000",
            "8065 0204 00003780 11223344  010a00a0",
            "8065 0205 00003780 11223344  018a0140",
            "8065 0205 00003780 11223344  018a0140",
            "8065 0205 00003780 11223344  018a0140",
        };
        int ends = 0;
        for (String hex : wire) {
            Result r = feed(hex);
            if (r.began()) {
                digits.append(receiver.digit());
            }
            if (r.ended()) {
                ends++;
                assertTrue(receiver.endConfirmed());
            }
        }
        assertEquals("11", digits.toString());
        assertEquals(2, ends);
    }

    @Test
    void aNewEventEndsOneWhoseEndPacketsWereAllLost() {
        assertEquals(Result.BEGIN, feed("80e5 0300 00005000 11223344  040a0000"));
        assertEquals(Result.NONE, feed("8065 0301 00005000 11223344  040a00a0"));
        assertEquals(Result.NONE, feed("8065 0302 00005000 11223344  040a0140"));
        // 0303..0305, the end packets of 4, are lost
        assertEquals(Result.BEGIN_AND_END, feed("80e5 0306 00005a00 11223344  070a0000"));
        assertEquals('7', receiver.digit());
        assertEquals('4', receiver.endedDigit());
        assertEquals(0x140, receiver.endedDuration(), "the longest duration seen");
        assertFalse(receiver.endConfirmed());
        assertEquals(1, receiver.unconfirmedEnds());
        // one of the lost end packets turns up after all: too late to matter, and not a new press
        assertEquals(Result.NONE, feed("8065 0305 00005000 11223344  048a01e0"));
        assertEquals(Result.END, feed("8065 0307 00005a00 11223344  078a00a0"));
        assertEquals('7', receiver.endedDigit());
        assertTrue(receiver.endConfirmed());
    }

    @Test
    void silenceLongerThanTheTimeoutEndsAnEventWhenTheCallerSuppliesTime() {
        long ms = 1_000_000;
        Rfc4733Receiver timed = new Rfc4733Receiver(Duration.ofMillis(200));
        assertEquals(Result.BEGIN, feed(timed, "80e5 0400 00006000 11223344  090a0000", 0));
        assertEquals(Result.NONE, feed(timed, "8065 0401 00006000 11223344  090a00a0", 20 * ms));
        assertEquals(Result.NONE, feed(timed, "8065 0402 00006000 11223344  090a0140", 40 * ms));
        assertEquals(Result.NONE, timed.expire(239 * ms));
        assertTrue(timed.active());
        assertEquals(Result.END, timed.expire(240 * ms));
        assertEquals('9', timed.endedDigit());
        assertEquals(0x140, timed.endedDuration());
        assertFalse(timed.endConfirmed());
        assertEquals(Result.NONE, timed.expire(300 * ms), "ends once");
        // the sender was only delayed: its later packets must not press 9 again
        assertEquals(Result.NONE, feed(timed, "8065 0403 00006000 11223344  090a01e0", 400 * ms));
        assertEquals(Result.NONE, feed(timed, "8065 0404 00006000 11223344  098a0280", 420 * ms));
    }

    @Test
    void withoutArrivalTimesOnlyPacketsEndAnEvent() {
        assertEquals(Result.BEGIN, feed("80e5 0400 00006000 11223344  090a0000"));
        assertEquals(Result.NONE, receiver.expire(Long.MAX_VALUE));
        assertTrue(receiver.active());
    }

    @Test
    void anEventWhoseOnlySurvivingPacketsAreItsEndIsReportedWhole() {
        assertEquals(Result.BEGIN_AND_END, feed("8065 0403 00007000 11223344  038a0280"));
        assertEquals('3', receiver.digit());
        assertEquals('3', receiver.endedDigit());
        assertEquals(640, receiver.endedDuration());
        assertTrue(receiver.endConfirmed());
        assertEquals(Result.NONE, feed("8065 0403 00007000 11223344  038a0280"));
        assertEquals(Result.NONE, feed("8065 0403 00007000 11223344  038a0280"));
    }

    @Test
    void whenBothEndsAreLostAroundTheSwitchEachEndIsStillReportedOnce() {
        assertEquals(Result.BEGIN, feed("80e5 0500 00007800 11223344  040a0000"));
        // 4's end packets and 5's early packets are lost; 5's end packets arrive
        assertEquals(Result.BEGIN_AND_END, feed("8065 0508 00007c00 11223344  058a0280"));
        assertEquals('5', receiver.digit());
        assertEquals('4', receiver.endedDigit());
        assertFalse(receiver.endConfirmed());
        assertEquals(Result.END, feed("8065 0508 00007c00 11223344  058a0280"));
        assertEquals('5', receiver.endedDigit());
        assertEquals(640, receiver.endedDuration());
        assertTrue(receiver.endConfirmed());
        assertEquals(Result.NONE, feed("8065 0508 00007c00 11223344  058a0280"));
    }

    @Test
    void nonDigitEventsAreCountedOnceAndNeverReported() {
        assertEquals(Result.IGNORED, feed("80e5 0600 00008000 11223344  100a0000")); // 16: flash
        assertEquals(Result.NONE, feed("8065 0601 00008000 11223344  100a00a0"));
        assertEquals(Result.NONE, feed("8065 0602 00008000 11223344  108a0140"));
        assertEquals(Result.NONE, feed("8065 0602 00008000 11223344  108a0140"));
        assertEquals(1, receiver.ignoredEvents());
        assertEquals(Result.BEGIN, feed("80e5 0603 00008500 11223344  020a0000"));
        assertEquals('2', receiver.digit());
        // a flash that cuts short an unfinished digit still ends that digit
        assertEquals(Result.END, feed("80e5 0604 00008a00 11223344  100a0000"));
        assertEquals('2', receiver.endedDigit());
        assertEquals(2, receiver.ignoredEvents());
    }

    @Test
    void shortPayloadsAreCountedDropsThatLeaveTheStateAlone() {
        assertEquals(Result.BEGIN, feed("80e5 0700 00009000 11223344  060a0000"));
        assertEquals(Result.MALFORMED, feed("8065 0701 00009000 11223344  068a00"));
        assertEquals(Result.MALFORMED, feed("8065 0701 00009000 11223344"));
        assertEquals(2, receiver.malformed());
        assertTrue(receiver.active());
        assertEquals(Result.END, feed("8065 0702 00009000 11223344  068a0140"));
    }

    @Test
    void aStragglerFromAnOlderEventStartsNothing() {
        assertEquals(Result.BEGIN_AND_END, feed("8065 0800 0000a000 11223344  018a0140"));
        assertEquals(Result.BEGIN_AND_END, feed("8065 0801 0000a500 11223344  028a0140"));
        assertEquals(Result.BEGIN, feed("8065 0802 0000aa00 11223344  030a0000"));
        assertEquals(Result.NONE, feed("8065 07ff 0000a000 11223344  010a00a0"), "two events back");
        assertEquals(1, receiver.stalePackets());
        assertTrue(receiver.active());
    }

    @Test
    void eventsFollowTheTimestampAcrossItsWrap() {
        assertEquals(Result.BEGIN_AND_END, feed("8065 0900 ffffff00 11223344  018a0140"));
        assertEquals(Result.BEGIN_AND_END, feed("8065 0901 00000040 11223344  018a0140"));
        assertEquals(0, receiver.stalePackets());
    }

    @Test
    void aSenderTimelineThatMovesFarBackIsNotIgnoredForever() {
        // e.g. the far end was transferred and the new leg starts a new SSRC and timestamp base
        assertEquals(Result.BEGIN_AND_END, feed("8065 0a00 80000000 11223344  018a0140"));
        assertEquals(Result.BEGIN_AND_END, feed("8065 1234 00001000 55667788  028a0140"));
        assertEquals('2', receiver.digit());
    }

    @Test
    void resetForgetsTheEventsButNotTheCounters() {
        feed("8065 0700 00009000 11223344  068a00");
        assertEquals(Result.BEGIN, feed("80e5 0b00 0000b000 11223344  000a0000"));
        receiver.reset();
        assertFalse(receiver.active());
        assertEquals(Result.BEGIN, feed("8065 0b01 0000b000 11223344  000a00a0"));
        assertEquals(1, receiver.malformed());
    }

    @Test
    void mapsAllSixteenDtmfEvents() {
        StringBuilder seen = new StringBuilder();
        byte[] payload = new byte[4];
        for (int event = 0; event < 256; event++) {
            payload[0] = (byte) event;
            payload[1] = (byte) 0x8a;
            Result r = receiver.feed(1000L * event, payload, 0, 4);
            if (event < 16) {
                assertEquals(Result.BEGIN_AND_END, r, "event " + event);
                seen.append(receiver.digit());
            } else {
                assertEquals(Result.IGNORED, r, "event " + event);
            }
        }
        assertEquals("0123456789*#ABCD", seen.toString());
        assertEquals(240, receiver.ignoredEvents());
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Rfc4733Receiver(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Rfc4733Receiver(Duration.ofMillis(-1)));
    }

    @Tag("allocation")

    @Test
    void feedingAllocatesNothing() {
        byte[] begin = Hex.bytes("010a0000");
        byte[] update = Hex.bytes("010a0140");
        byte[] end = Hex.bytes("018a0280");
        long[] ts = {0};
        long bytes = Allocations.measure(50_000, () -> {
            long t = ts[0] += 800;
            receiver.feed(t, begin, 0, 4, t);
            receiver.feed(t, update, 0, 4, t + 1);
            receiver.feed(t, end, 0, 4, t + 2);
            receiver.feed(t, end, 0, 4, t + 3);
            receiver.expire(t + 4);
        });
        assertTrue(bytes < 1024, "allocated " + bytes + " bytes over 50000 events");
    }

    private Result feed(String hex) {
        byte[] wire = Hex.bytes(hex);
        assertEquals(RtpPacket.ParseResult.OK, packet.parse(wire, 0, wire.length));
        return receiver.feed(packet);
    }

    private Result feed(Rfc4733Receiver r, String hex, long arrivalNanos) {
        byte[] wire = Hex.bytes(hex);
        assertEquals(RtpPacket.ParseResult.OK, packet.parse(wire, 0, wire.length));
        return r.feed(packet, arrivalNanos);
    }
}
