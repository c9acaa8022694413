package dev.patchbay.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loss-by-cause table: each cause over its own base, and a repeated step replacing the first try. */
class LossByCauseTest {

    private static RtpPacer.Window window(long sent, long echoed, long late) {
        return new RtpPacer.Window(new long[] {1}, sent, echoed, 1, new long[] {0}, 0, 0, 0, 1, late);
    }

    @Test
    void generatorCausesAreSharesOfPacketsSentAndMediaCausesOfTheirOwnStream() {
        LossByCause losses = new LossByCause();
        losses.record("Patchbay gRPC echo", 50, 20, window(10_000, 9_900, 60), null);
        // The second try of the step replaces the first.
        losses.record("Patchbay gRPC echo", 50, 20, window(10_000, 9_980, 5),
                new MediaCounters.Counts(20_000, 19_000, 40, 19, 38, 0));
        losses.record("Patchbay gRPC echo, 30 ms callers", 50, 30, window(6_000, 6_000, 0),
                new MediaCounters.Counts(10_000, 19_000, 30, 0, 0, 15));
        losses.record("nio-echo", 50, 20, window(10_000, 10_000, 0), null);
        String md = losses.section();
        assertTrue(md.contains("| Patchbay gRPC echo | 50 | 10000 | 0.200 | 0.150 (15) | 0.050 (5) | 0.200 (40) | 0.100 (19) | 0.200 (38) | 0.000 (0) |"), md);
        assertFalse(md.contains("(60)"), "the first try is gone: " + md);
        // 30 ms packets carry one and a half 20 ms frames each.
        assertTrue(md.contains("| Patchbay gRPC echo, 30 ms callers | 50 | 6000 | 0.000 | 0.000 (0) | 0.000 (0) | 0.200 (30) | 0.000 (0) | 0.000 (0) | 0.100 (15) |"), md);
        assertTrue(md.contains("| nio-echo | 50 | 10000 | 0.000 | 0.000 (0) | 0.000 (0) | — | — | — | — |"), md);
    }
}
