package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReportTest {

    private static Step step(int calls, boolean held) {
        RtpPacer.Window w = new RtpPacer.Window(new long[] {1}, 1, 1, 1, new long[0], 0, 0, 0, 0, 0);
        return new Step("t", calls, 0, w, 0, List.of(), new Ramp.Verdict(held, held ? "held" : "loss"));
    }

    @Test
    void headlineIsTheHighestStepThatHeld() {
        assertEquals("Max sustained concurrent echo calls: 200",
                Report.headline(List.of(step(100, true), step(200, true), step(400, false))));
        assertEquals("Max sustained concurrent echo calls: 0", Report.headline(List.of(step(50, false))));
    }

    @Test
    void aStepThatHoldsAgainAfterAFailureDoesNotCount() {
        assertEquals("Max sustained concurrent echo calls: 100",
                Report.headline(List.of(step(100, true), step(200, false), step(400, true))));
    }

    @Test
    void aRampThatNeverFailedIsALowerBound() {
        assertEquals("Max sustained concurrent echo calls: 100 (every step held: a lower bound; add larger steps to"
                + " PATCHBAY_BENCH_STEPS)", Report.headline(List.of(step(50, true), step(100, true))));
        assertEquals("Max sustained concurrent echo calls: 0 (no step ran)", Report.headline(List.of()));
    }

    @Test
    void aSetupRampThatNeverFailedIsALowerBound() {
        SetupRate.Result held = new SetupRate.Result(100, 300, 300, 0, 4, 12, 20, Map.of(), "1.0 1.0 1.0", true);
        SetupRate.Result failed = new SetupRate.Result(200, 600, 590, 1, 4, 80, 95, Map.of(503, 10), "1.0 1.0 1.0", false);
        assertEquals("Highest held setup rate: 100 calls/s", Report.rateLine(List.of(held, failed)));
        assertEquals("Highest held setup rate: 100 calls/s (every rate held: a lower bound; add larger rates to"
                + " PATCHBAY_BENCH_RATES)", Report.rateLine(List.of(held)));
    }

    @Test
    void theSetupTableShowsEachRateBesideItsReferenceAndTheColdStarts() {
        SetupRate.Result patchbay = new SetupRate.Result(200, 1000, 1000, 0, 8, 40, 60, Map.of(), "1.5 1.2 1.0", true);
        SetupRate.Result uas = new SetupRate.Result(200, 1000, 1000, 0, 2, 10, 30, Map.of(), "1.5 1.2 1.0", true);
        ColdStart.Result cold = new ColdStart.Result("as shipped", 12, new SetupRate.Result(200, 2000, 1990, 1, 9, 90, 900,
                Map.of(503, 10), "1.9 1.2 1.0", false));
        String md = SetupTable.markdown(List.of(patchbay), List.of(uas), List.of(cold));
        assertTrue(md.contains("| 200 | 1000 | 1000 | 0 | - | 8.0 | 40.0 | 60.0 | 1.5 1.2 1.0 | yes |\n"
                + "| 200 SIPp uas (reference) | 1000 | 1000 | 0 | - | 2.0 | 10.0 | 30.0 | 1.5 1.2 1.0 | yes |\n"
                + "| 200 from a cold start, as shipped | 2000 | 1990 | 10 | 503 x10 |"), md);
        assertTrue(md.contains("- 200 calls/s: p50 4.0x, p95 4.0x, p99 2.0x SIPp uas's"), md);
        assertTrue(md.contains("Cold start, as shipped: 10 of 2000 calls at 200 calls/s failed (503 x10)"), md);
    }
}
