package dev.patchbay.control.quality;

import dev.patchbay.proto.media.v1.RtpStats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The figures every call's record keeps, from the media-plane's counters. */
class CallQualityTest {

    @Test
    void aCallWithoutMediaHasNothingToJudge() {
        CallQuality q = CallQuality.of(RtpStats.getDefaultInstance(), 60);
        assertEquals(0L, q.packetsExpected());
        assertNull(q.mos());
        assertNull(q.packetLoss());
    }

    @Test
    void lossAndJitterLowerTheEstimateAndDuplicatesAreNoLoss() {
        CallQuality clean = CallQuality.of(RtpStats.newBuilder().setPacketsExpected(1000).setPacketsLost(-3).build(), 60);
        CallQuality lossy = CallQuality.of(RtpStats.newBuilder().setPacketsExpected(1000).setPacketsLost(50)
                .setJitterMs(40).build(), 60);
        assertEquals(0.0, clean.packetLoss());
        // G.107 for G.711, no loss, 70 ms (60 + 10 of decoding): R = 93.2 - 0.024 * 70 = 91.52, MOS 4.37, the best.
        assertEquals(4.37, clean.mos());
        // 5 % loss (Ie,eff = 95 * 5 / 30.1) and 40 ms of jitter (150 ms): R = 73.82, MOS 3.77.
        assertEquals(0.05, lossy.packetLoss());
        assertEquals(3.77, lossy.mos());
        assertEquals(40.0, lossy.jitterMs());
    }
}
