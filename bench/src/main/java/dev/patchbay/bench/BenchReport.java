package dev.patchbay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a JMH JSON result into the microbenchmark section of docs/benchmarks.md: each stage per
 * 20 ms frame, as a ratio to the reference measured in the same run, and as the share of one core a
 * call costs at 50 frames a second.
 */
public final class BenchReport {

    private BenchReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BenchReport <jmh-result.json> <markdown-out>");
            System.exit(2);
        }
        JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        double reference = Double.NaN;
        List<String[]> rows = new ArrayList<>();
        for (JsonNode r : results) {
            String name = r.get("benchmark").asText().replaceAll(".*\\.", "");
            double score = r.get("primaryMetric").get("score").asDouble();
            double error = r.get("primaryMetric").get("scoreError").asDouble();
            if (name.equals("reference")) {
                reference = score;
            }
            rows.add(new String[] {name, fmt(score), fmt(error), ""});
        }
        StringBuilder md = new StringBuilder();
        md.append("## Media path microbenchmarks (JMH)\n\n")
                .append("Run ").append(LocalDate.now()).append(" with `./patchbay bench` on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores (").append(cpuModel()).append("), ")
                .append("Java ").append(System.getProperty("java.version")).append(", ")
                .append(ManagementFactory.getRuntimeMXBean().getInputArguments().isEmpty() ? "default JVM flags" : "JVM flags "
                        + ManagementFactory.getRuntimeMXBean().getInputArguments()).append(".\n")
                .append("Each row is one 20 ms frame (160 samples) through one stage, averaged by JMH (1 fork). ")
                .append("`× ref` divides by `reference` (copying and summing the same frame) from the same run, ")
                .append("which is steadier than nanoseconds on this shared machine. `core %/call` is the stage's share ")
                .append("of one core for one call at 50 frames per second.\n\n")
                .append("| stage | ns / frame | ± | ns / sample | × ref | core % / call |\n|---|---:|---:|---:|---:|---:|\n");
        for (String[] row : rows) {
            double score = Double.parseDouble(row[1]);
            md.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" | ")
                    .append(fmt(score / 160)).append(" | ").append(Double.isNaN(reference) ? "-" : fmt(score / reference))
                    .append(" | ").append(String.format(Locale.ROOT, "%.5f", score * 50 / 1e9 * 100)).append(" |\n");
        }
        Files.writeString(Path.of(args[1]), md.toString());
        System.out.println(md);
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
