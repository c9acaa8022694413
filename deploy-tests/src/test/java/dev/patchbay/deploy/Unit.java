package dev.patchbay.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A systemd unit file read as systemd does for the settings these tests look at: Key=Value, repeatable. */
record Unit(String name, Map<String, List<String>> settings) {

    static Unit read(Path file) throws IOException {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";") || l.startsWith("[") || eq < 0) {
                continue;
            }
            settings.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return new Unit(file.getFileName().toString(), settings);
    }

    String one(String key) {
        List<String> v = settings.getOrDefault(key, List.of());
        if (v.size() != 1) {
            throw new AssertionError(name + ": expected one " + key + "=, found " + v);
        }
        return v.get(0);
    }

    List<String> all(String key) {
        return settings.getOrDefault(key, List.of());
    }

    /** Environment=NAME=value settings. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : all("Environment")) {
            int eq = e.indexOf('=');
            env.put(e.substring(0, eq), e.substring(eq + 1));
        }
        return env;
    }

    /** A systemd time span as used here: plain seconds, or with s/min suffixes. */
    Duration seconds(String key) {
        String v = one(key).strip();
        if (v.endsWith("min")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 3)));
        }
        return Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
    }
}
