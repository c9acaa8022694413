package dev.patchbay.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import io.helidon.config.EnvironmentVariables;
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

    /** Read by schema's SecretBox in control-plane and admin-api; control-plane's application.yaml does not list them. */
    static final Set<String> SECRET_BOX_KEYS = Set.of("patchbay.secrets.key", "patchbay.secrets.previous");

    /**
     * The variables among {@code names} that set no key of the process: none of the config keys
     * Helidon derives from the name (its own EnvironmentVariables mapping: {@code _} is a dot,
     * {@code _DASH_} a dash) is in the process's application.yaml. {@code PATCHBAY_CONFIG} is read
     * by the Main of media-plane and control-plane; SecretBox's keys by control-plane and admin-api.
     */
    Set<String> unread(String module, Collection<String> names) throws IOException {
        Set<String> keys = yamlKeys(module);
        if (!module.equals("media-plane")) {
            keys.addAll(SECRET_BOX_KEYS);
        }
        Set<String> out = new TreeSet<>();
        for (String name : names) {
            boolean main = name.equals("PATCHBAY_CONFIG") && !module.equals("admin-api");
            if (!main && Collections.disjoint(configKeys(name), keys)) {
                out.add(name);
            }
        }
        return out;
    }

    /** The config keys Helidon makes of one environment variable, as the processes see them. */
    static Set<String> configKeys(String envName) {
        return EnvironmentVariables.expand(Map.of(envName, "x")).keySet();
    }

    /** Every key of a process's shipped application.yaml, dotted (patchbay.sip.tls.port). */
    Set<String> yamlKeys(String module) throws IOException {
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
            out.add(key);
        }
    }
}
