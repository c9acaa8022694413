package dev.patchbay.bench;

import java.util.List;
import java.util.Locale;

/**
 * The soak's regression rule: does one metric, sampled once a minute at a steady load, trend upward?
 *
 * <p>A leak at a steady call rate grows the metric in proportion to the calls churned, so in proportion
 * to time: a line, whose least-squares slope is the leak rate. The rule looks only at the run's second
 * half (the first is warm-up: JIT, pools and caches filling, the heap settling after the ramp), and
 * fails a metric when both hold:
 * <ul>
 *   <li><b>it matters</b>: the slope, projected over one hour, exceeds {@code tolerance} times the
 *       window's mean (10 % for sizes, 2 % for counts: {@link Rule}) (and at least {@code minRise} in absolute terms, so that a thread pool growing by one
 *       over a whole hour is not a leak); the projection makes runs of different lengths comparable and
 *       holds a short run to the one-hour standard;</li>
 *   <li><b>it is real</b>: the slope is at least {@value #T_MIN} standard errors above zero, so the noise of
 *       a flat metric on a shared machine (a GC racing the sample, a pool worker coming and going) does not
 *       fail a run. A short run has few points and wide errors: it can miss a slow leak, never invent one;</li>
 *   <li><b>it keeps rising</b>: the slope is above zero in each quarter of the run's second half, so that a
 *       pool or cache that grew once, in one step, is not taken for a leak.</li>
 * </ul>
 * A window of fewer than {@value #MIN_POINTS} samples is not judged (reported as such).
 */
record Trend(double slopePerHour, double mean, double tStat, int points, Verdict verdict) {

    static final int MIN_POINTS = 4;
    static final double T_MIN = 3;

    enum Verdict { FLAT, RISING, NOT_JUDGED }

    /** What counts as a leak for one metric. */
    record Rule(double tolerance, double minRise) {
        /**
         * Sizes (heap, RSS): 10 % of the mean per hour. Both drift without a leak: the heap after GC with what
         * the calls up happen to hold at the sample, RSS as the JIT's code cache and malloc arenas fill.
         */
        static final Rule SIZE = new Rule(0.10, 0);
        /**
         * Counts (threads, fds, ports, connections, rows): 2 % of the mean per hour, and at least 2 more. They are
         * exact, and at a steady load only the churn moves them, so a smaller leak than in a size stands out.
         */
        static final Rule COUNT = new Rule(0.02, 2);
        /** Recorded and charted, never failed: a metric that follows the load rather than the code. */
        static final Rule NONE = new Rule(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /**
     * Judges samples {@code (minutes[i], values[i])} taken over a run; only those in its second half count.
     * Negative values mean "not measured" and are left out.
     */
    static Trend judge(List<Double> minutes, List<Double> values, Rule rule) {
        if (minutes.size() != values.size()) {
            throw new IllegalArgumentException("minutes and values differ in length: " + minutes.size() + " and " + values.size());
        }
        double end = minutes.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double start = minutes.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double half = start + (end - start) / 2;
        double threeQuarters = start + 3 * (end - start) / 4;
        Fit all = Fit.of(minutes, values, half, end);
        if (all.n() < MIN_POINTS) {
            return new Trend(Double.NaN, all.mean(), Double.NaN, all.n(), Verdict.NOT_JUDGED);
        }
        double perHour = all.slope() * 60;
        boolean matters = perHour > 0 && perHour > rule.tolerance() * Math.abs(all.mean()) && perHour >= rule.minRise();
        boolean real = all.t() >= T_MIN;
        // A leak keeps climbing; a pool or cache that grew once, in a single step, rises in one quarter only.
        boolean sustained = Fit.of(minutes, values, half, threeQuarters - 1e-9).slope() > 0
                && Fit.of(minutes, values, threeQuarters, end).slope() > 0;
        return new Trend(perHour, all.mean(), all.t(), all.n(), matters && real && sustained ? Verdict.RISING : Verdict.FLAT);
    }

    /** A least-squares line through the measured points with {@code from <= minute <= to}. */
    private record Fit(int n, double mean, double slope, double t) {
        static Fit of(List<Double> minutes, List<Double> values, double from, double to) {
            int n = 0;
            double sx = 0;
            double sy = 0;
            for (int i = 0; i < minutes.size(); i++) {
                if (in(minutes.get(i), values.get(i), from, to)) {
                    n++;
                    sx += minutes.get(i);
                    sy += values.get(i);
                }
            }
            if (n == 0) {
                return new Fit(0, Double.NaN, 0, 0);
            }
            double mx = sx / n;
            double my = sy / n;
            double sxx = 0;
            double sxy = 0;
            for (int i = 0; i < minutes.size(); i++) {
                if (in(minutes.get(i), values.get(i), from, to)) {
                    double dx = minutes.get(i) - mx;
                    sxx += dx * dx;
                    sxy += dx * (values.get(i) - my);
                }
            }
            double slope = sxx == 0 ? 0 : sxy / sxx;
            double residuals = 0;
            for (int i = 0; i < minutes.size(); i++) {
                if (in(minutes.get(i), values.get(i), from, to)) {
                    double r = values.get(i) - (my + slope * (minutes.get(i) - mx));
                    residuals += r * r;
                }
            }
            double se = n < 3 || sxx == 0 ? 0 : Math.sqrt(residuals / (n - 2) / sxx);
            double t = slope == 0 ? 0 : se == 0 ? Math.copySign(Double.POSITIVE_INFINITY, slope) : slope / se;
            return new Fit(n, my, slope, t);
        }

        private static boolean in(double minute, double value, double from, double to) {
            return minute >= from && minute <= to && value >= 0;
        }
    }

    /** "+1.2 %/h (t 0.8, 5 points)" for the report. */
    String describe() {
        if (verdict == Verdict.NOT_JUDGED) {
            return "not judged (" + points + " samples in the second half, " + MIN_POINTS + " needed)";
        }
        double percent = mean == 0 ? 0 : 100 * slopePerHour / Math.abs(mean);
        return String.format(Locale.ROOT, "%+.1f %%/h (slope %+.3g/h, t %.1f, %d points)", percent, slopePerHour,
                Double.isInfinite(tStat) ? 99.9 : tStat, points);
    }
}
