package dev.patchbay.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.Yaml;

/** The checkout under test, and the configuration keys each process really reads. */
record Repo(Path root) {

    static Repo current() {
        String dir = System.getProperty("patchbay.repo");
        Path root = dir != null ? Path.of(dir) : Path.of("..");
        return new Repo(root.toAbsolutePath().normalize());
    }

    Path path(String relative) {
        return root.resolve(relative);
    }

    /**
     * Every key of a process's shipped application.yaml as the environment variable that sets it
     * (patchbay.sip.tls.port -> PATCHBAY_SIP_TLS_PORT), as the README and Helidon's mapping say.
     */
    Set<String> envKeys(String module) throws IOException {
        Set<String> out = new TreeSet<>();
        try (InputStream in = Files.newInputStream(path(module + "/src/main/resources/application.yaml"))) {
            Map<String, Object> doc = new Yaml().load(in);
            flatten("", doc, out);
        }
        return out;
    }

    /** A value of a process's shipped application.yaml, by its dotted key. */
    @SuppressWarnings("unchecked")
    Object yamlValue(String module, String key) throws IOException {
        try (InputStream in = Files.newInputStream(path(module + "/src/main/resources/application.yaml"))) {
            Object node = new Yaml().load(in);
            for (String part : key.split("\\.")) {
                node = ((Map<String, Object>) node).get(part);
            }
            if (node == null) {
                throw new AssertionError(module + "'s application.yaml has no " + key);
            }
            return node;
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Set<String> out) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue() instanceof Map<?, ?> m) {
                flatten(key, (Map<String, Object>) m, out);
            }
            out.add(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
    }
}
