package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

import org.junit.jupiter.api.Test;

class TrendTest {

    private static final Trend.Rule SIZE = Trend.Rule.SIZE;

    private static Trend judge(int minutes, IntToDoubleFunction value, Trend.Rule rule) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int m = 0; m <= minutes; m++) {
            x.add((double) m);
            y.add(value.applyAsDouble(m));
        }
        return Trend.judge(x, y, rule);
    }

    @Test
    void aFlatSeriesIsFlat() {
        Trend t = judge(60, m -> 100_000, SIZE);
        assertEquals(Trend.Verdict.FLAT, t.verdict());
        assertEquals(0, t.slopePerHour());
        assertEquals(100_000, t.mean());
    }

    @Test
    void aSteadyLeakIsRising() {
        // 200 MB heap growing 1 MB a minute: 60 MB an hour, 30 % of the mean.
        Trend t = judge(60, m -> 200_000 + 1_000 * m, SIZE);
        assertEquals(Trend.Verdict.RISING, t.verdict());
        assertEquals(60_000, t.slopePerHour(), 1e-6);
        assertEquals(31, t.points(), "the second half only: minutes 30 to 60");
    }

    @Test
    void growthDuringWarmUpOnlyIsFlat() {
        // The heap fills for the first 20 minutes, then holds: the first half is not judged.
        Trend t = judge(60, m -> 100_000 + 5_000 * Math.min(m, 20), SIZE);
        assertEquals(Trend.Verdict.FLAT, t.verdict());
    }

    @Test
    void aSlopeWithinTheToleranceIsFlat() {
        // 5 % of the mean an hour: real, but under the 10 % tolerance.
        Trend t = judge(60, m -> 100_000 + 5_000.0 * m / 60, SIZE);
        assertEquals(Trend.Verdict.FLAT, t.verdict());
    }

    @Test
    void noiseWithoutATrendIsFlatEvenWhenItsSlopeIsLarge() {
        // Few points, wide swings: the fitted slope is large but not distinguishable from zero.
        double[] noisy = {100, 140, 90, 150, 95, 100, 160, 92, 130, 150, 101};
        Trend t = judge(10, m -> noisy[m], Trend.Rule.COUNT);
        assertEquals(Trend.Verdict.FLAT, t.verdict(), t.describe());
    }

    @Test
    void aPoolThatGrewOnceIsNotALeak() {
        // Two threads more three quarters into the run, then steady: a significant slope, but in one step.
        Trend t = judge(60, m -> m < 45 ? 40 : 42, Trend.Rule.COUNT);
        assertEquals(Trend.Verdict.FLAT, t.verdict(), t.describe());
    }

    @Test
    void aCountRisingUnderTwoAnHourIsUnderTheAbsoluteFloor() {
        // 1.5 more an hour on a mean of 8 is 19 %, over the 2 % tolerance, but under the floor of 2.
        Trend t = judge(60, m -> 8 + m / 40.0, Trend.Rule.COUNT);
        assertEquals(Trend.Verdict.FLAT, t.verdict(), t.describe());
        assertEquals(1.5, t.slopePerHour(), 1e-9);
    }

    @Test
    void aCountThatClimbsEveryMinuteIsRising() {
        // A UDP port never released every other minute: 500 ports plus 30 an hour (6 %).
        Trend t = judge(60, m -> 500 + m / 2, Trend.Rule.COUNT);
        assertEquals(Trend.Verdict.RISING, t.verdict(), t.describe());
    }

    @Test
    void unmeasuredSamplesAreLeftOutAndTooFewAreNotJudged() {
        Trend t = judge(6, m -> m >= 4 ? -1 : 10, SIZE);
        assertEquals(Trend.Verdict.NOT_JUDGED, t.verdict());
        assertEquals(Trend.Verdict.FLAT, judge(10, m -> m == 7 ? -1 : 10, SIZE).verdict());
    }

    @Test
    void aFallingSeriesIsFlat() {
        assertEquals(Trend.Verdict.FLAT, judge(60, m -> 100_000 - 1_000 * m, SIZE).verdict());
    }
}
