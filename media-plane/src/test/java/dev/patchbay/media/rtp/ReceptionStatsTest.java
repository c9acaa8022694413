package dev.patchbay.media.rtp;

import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.media.testutil.RtpPackets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 3550 receiver statistics against numbers worked out by hand. Packets are the real wire bytes
 * of RtpPackets, parsed as the media loop parses them; arrival times are explicit.
 */
class ReceptionStatsTest {

    private static final long MS = 1_000_000L;
    private static final int SSRC = 0x1234_5678;
    private static final byte[] VOICE = new byte[160];

    private final RtpPacket packet = new RtpPacket();

    private void feed(ReceptionStats stats, int seq, long arrivalMs) {
        feed(stats, RtpPackets.pcmu(seq, SSRC, VOICE), arrivalMs * MS);
    }

    private void feed(ReceptionStats stats, byte[] wire, long arrivalNanos) {
        assertEquals(RtpPacket.ParseResult.OK, packet.parse(wire, 0, wire.length));
        stats.packet(packet.ssrc(), packet.sequence(), packet.timestamp(), true, arrivalNanos);
    }

    /**
     * Timestamps 160 apart (20 ms at 8 kHz); arrivals at 0, 20, 45, 60, 80 and 150 ms, with 5 and 6
     * lost. In timestamp units, transit = arrival x 8 - timestamp: 0, 0, 40, 0, 0, 80, so |D| is
     * 0, 40, 40, 0, 80. A.8 with J scaled by 16, J += |D| - ((J + 8) >> 4):
     * 0 + 0 - 0 = 0; 0 + 40 - 0 = 40; 40 + 40 - 3 = 77; 77 + 0 - 5 = 72; 72 + 80 - 5 = 147.
     * 147 / 16 units of 0.125 ms is 1.1484375 ms.
     */
    @Test
    void jitterAndLossMatchTheRfc3550AppendixAByHand() {
        ReceptionStats stats = new ReceptionStats(8000);
        long base = 7_654_321 * MS; // the monotonic clock starts anywhere
        int[] seqs = {0, 1, 2, 3, 4, 7};
        long[] arrivals = {0, 20, 45, 60, 80, 150};
        long[] scaled = {0, 0, 40, 77, 72, 147};
        for (int i = 0; i < seqs.length; i++) {
            feed(stats, RtpPackets.pcmu(seqs[i], SSRC, VOICE), base + arrivals[i] * MS);
            assertEquals(scaled[i], stats.jitterScaled(), "J after packet " + seqs[i]);
        }
        assertEquals(1.1484375, stats.jitterMs(), 0.0);
        assertEquals(8, stats.expected(), "extended highest 7 - base 0 + 1");
        assertEquals(2, stats.lost(), "5 and 6");
    }

    @Test
    void steadyPacketsHaveNoJitterAndNoLoss() {
        ReceptionStats stats = new ReceptionStats(8000);
        for (int seq = 100; seq < 150; seq++) {
            feed(stats, seq, seq * 20L);
        }
        assertEquals(0.0, stats.jitterMs(), 0.0);
        assertEquals(50, stats.expected());
        assertEquals(0, stats.lost());
    }

    @Test
    void theSequenceNumberWrapsIntoTheNextCycle() {
        ReceptionStats stats = new ReceptionStats(8000);
        int[] seqs = {65533, 65534, 0, 2}; // 65535 and 1 lost across the wrap
        for (int i = 0; i < seqs.length; i++) {
            feed(stats, seqs[i], i * 20L);
        }
        assertEquals(6, stats.expected(), "65536 + 2 - 65533 + 1");
        assertEquals(2, stats.lost());
    }

    @Test
    void duplicatesMakeLossNegativeAsTheRfcSays() {
        ReceptionStats stats = new ReceptionStats(8000);
        feed(stats, 10, 0);
        feed(stats, 11, 20);
        feed(stats, 11, 21);
        feed(stats, 12, 40);
        assertEquals(3, stats.expected());
        assertEquals(-1, stats.lost());
    }

    @Test
    void aReorderedPacketIsNotLost() {
        ReceptionStats stats = new ReceptionStats(8000);
        feed(stats, 1, 0);
        feed(stats, 3, 40);
        feed(stats, 2, 41);
        feed(stats, 4, 60);
        assertEquals(4, stats.expected());
        assertEquals(0, stats.lost());
    }

    @Test
    void aNewSourceKeepsWhatWasLostBefore() {
        ReceptionStats stats = new ReceptionStats(8000);
        feed(stats, 1, 0);
        feed(stats, 3, 40); // 2 lost
        byte[] other = RtpPackets.pcmu(5000, 0x0BAD_CAFE, VOICE);
        feed(stats, other, 60 * MS);
        feed(stats, RtpPackets.pcmu(5001, 0x0BAD_CAFE, VOICE), 80 * MS);
        assertEquals(3 + 2, stats.expected());
        assertEquals(1, stats.lost());
        assertEquals(0, stats.jitterScaled(), "the switch itself is not jitter");
    }

    @Test
    void aLoneJumpIsIgnoredButARestartIsFollowed() {
        ReceptionStats stats = new ReceptionStats(8000);
        feed(stats, 10, 0);
        feed(stats, 11, 20);
        feed(stats, 30_000, 40); // one stray packet far away: dropped (A.1 bad_seq)
        feed(stats, 12, 60);
        assertEquals(3, stats.expected());
        assertEquals(0, stats.lost());
        feed(stats, 40_000, 80);
        feed(stats, 40_001, 100); // the sender really restarted its numbering
        assertEquals(3 + 1, stats.expected(), "the old run, then a new run from 40001");
        assertEquals(0, stats.lost());
    }

    @Tag("allocation")

    @Test
    void countingAllocatesNothing() {
        ReceptionStats stats = new ReceptionStats(8000);
        byte[] wire = RtpPackets.pcmu(0, SSRC, VOICE);
        int[] seq = {0};
        long bytes = Allocations.measure(100_000, () -> {
            int s = seq[0]++ & 0xFFFF;
            wire[2] = (byte) (s >> 8);
            wire[3] = (byte) s;
            packet.parse(wire, 0, wire.length);
            stats.packet(packet.ssrc(), packet.sequence(), packet.timestamp(), true, s * 20 * MS + (s & 7) * MS);
        });
        assertEquals(0, bytes, "bytes allocated counting 100,000 packets");
        assertTrue(stats.expected() > 0);
    }
}
