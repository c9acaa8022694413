package dev.patchbay.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Prometheus text exposition read back into samples: what a test or a probe sees when it scrapes
 * {@code /metrics}. Only the text format 0.0.4 that {@link ProcessMetrics} serves.
 */
public record Exposition(List<Sample> samples) {

    /** One line: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public boolean has(Map<String, String> wanted) {
            return labels.entrySet().containsAll(wanted.entrySet());
        }
    }

    public static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            Map<String, String> labels = new LinkedHashMap<>();
            String name;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int close = line.lastIndexOf('}');
                labels(line.substring(brace + 1, close), labels);
            } else {
                name = line.substring(0, space);
            }
            samples.add(new Sample(name, Map.copyOf(labels), Double.parseDouble(line.substring(space + 1).trim())));
        }
        return new Exposition(List.copyOf(samples));
    }

    private static void labels(String body, Map<String, String> into) {
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            String key = body.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (body.charAt(j) != '"') {
                char c = body.charAt(j);
                if (c == '\\') {
                    char n = body.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
                j++;
            }
            into.put(key, value.toString());
            i = j + 1;
            if (i < body.length() && body.charAt(i) == ',') {
                i++;
            }
        }
    }

    /** Names of every metric family with at least one sample. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The sum of the samples named {@code name} whose labels include {@code labels} (name, value pairs). */
    public double sum(String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.has(wanted)).mapToDouble(Sample::value).sum();
    }

    /** The first sample named {@code name}, if any. */
    public Optional<Sample> first(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
