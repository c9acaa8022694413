package dev.patchbay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The reports' PNG charts, drawn with XChart. */
final class Charts {

    private static final int POINTS = 400;

    private Charts() {
    }

    /**
     * Latency CDF, one line per target at the same number of calls; log x axis, since the references
     * answer in microseconds and Patchbay in tens of milliseconds by design.
     */
    static void latencyCdf(Path file, int calls, List<Step> steps) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(540)
                .title("Echo latency CDF at " + calls + " concurrent calls (measured, designed delay included)")
                .xAxisTitle("round-trip latency, ms (log)").yAxisTitle("fraction of echoed packets").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(0);
        for (Step s : steps) {
            long[] l = s.window().latencies();
            if (l.length == 0) {
                continue;
            }
            int n = Math.min(POINTS, l.length);
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                int at = (int) ((long) i * (l.length - 1) / Math.max(1, n - 1));
                x[i] = Math.max(0.001, l[at] / 1e6);
                y[i] = (at + 1) / (double) l.length;
            }
            chart.addSeries(s.target(), x, y).setMarker(SeriesMarkers.NONE);
        }
        save(chart, file);
    }

    /** CPU % of one core per call against concurrent calls, one line per target. */
    static void cpuPerCall(Path file, Map<String, List<Step>> byTarget) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(540).title("CPU per call against concurrent calls")
                .xAxisTitle("concurrent calls").yAxisTitle("% of one core per call (all metered processes)").build();
        for (Map.Entry<String, List<Step>> e : byTarget.entrySet()) {
            List<Step> steps = e.getValue();
            if (steps.isEmpty()) {
                continue;
            }
            double[] x = steps.stream().mapToDouble(Step::calls).toArray();
            double[] y = steps.stream().mapToDouble(Step::cpuPercentPerCall).toArray();
            XYSeries series = chart.addSeries(e.getKey(), x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
        }
        save(chart, file);
    }

    /** Lines over the soak's minutes, one per named series; a negative value (not measured) is left out. */
    static void overTime(Path file, String title, String yTitle, Map<String, double[]> series, double[] minutes) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(480).title(title).xAxisTitle("minute").yAxisTitle(yTitle).build();
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            java.util.List<Double> x = new java.util.ArrayList<>();
            java.util.List<Double> y = new java.util.ArrayList<>();
            for (int i = 0; i < minutes.length; i++) {
                if (e.getValue()[i] >= 0) {
                    x.add(minutes[i]);
                    y.add(e.getValue()[i]);
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        save(chart, file);
    }

    private static void save(XYChart chart, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
