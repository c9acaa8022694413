package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RampTest {

    @Test
    void nearestRankPercentiles() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1; // 1..100
        }
        assertEquals(50, Ramp.percentile(sorted, 0.50));
        assertEquals(99, Ramp.percentile(sorted, 0.99));
        assertEquals(100, Ramp.percentile(sorted, 0.999));
        assertEquals(1, Ramp.percentile(sorted, 0.0));
        assertTrue(Double.isNaN(Ramp.percentile(new long[0], 0.5)));
    }

    @Test
    void sortedCopiesOnlyTheCountedPrefix() {
        long[] l = Ramp.sorted(new long[] {5, 1, 3, 99, 99}, 3);
        assertEquals(3, l.length);
        assertEquals(1, l[0]);
        assertEquals(5, l[2]);
    }

    @Test
    void aStepHoldsAtTheLimitsAndFailsJustBeyondThem() {
        Ramp r = Ramp.ISSUE_LIMITS;
        assertTrue(r.judge(0, 0.1, 20).sustained());
        assertFalse(r.judge(0, 0.11, 1).sustained());
        assertFalse(r.judge(0, 0, 20.5).sustained());
        assertEquals("p99 added 20.5 ms > 20 ms", r.judge(0, 0, 20.5).reason());
    }

    @Test
    void failedSetupsOrNoEchoesFailAStepWhateverTheLatency() {
        assertEquals("3 calls were not set up", Ramp.ISSUE_LIMITS.judge(3, 0, 1).reason());
        assertEquals("no echo arrived", Ramp.ISSUE_LIMITS.judge(0, 100, Double.NaN).reason());
    }
}
