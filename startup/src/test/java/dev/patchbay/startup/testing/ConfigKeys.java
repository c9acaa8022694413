package dev.patchbay.startup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigNode;
import io.helidon.config.spi.ConfigSource;
import io.helidon.config.spi.LazyConfigSource;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks that a module's settings, its shipped application.yaml and the README's configuration table
 * agree: every key in the YAML is read with no default elsewhere (without it start-up fails naming
 * it), every key read is in the YAML, and every one is documented.
 */
public final class ConfigKeys {

    private ConfigKeys() {
    }

    /** The YAML's keys and values, flattened ({@code patchbay.sip.port -> 5060}), those {@code include} accepts. */
    public static Map<String, String> flatten(Config root, Predicate<String> include) {
        Map<String, String> keys = new TreeMap<>();
        root.traverse().filter(Config::isLeaf).filter(c -> include.test(c.key().toString()))
                .forEach(c -> keys.put(c.key().toString(), c.asString().get()));
        return keys;
    }

    /**
     * Reads {@code yaml} without each key in turn: {@code readAll} must fail naming the key (Helidon's
     * missing value, or a reader's own message), or the map node it is an entry of when that node is in
     * {@code maps} (removing a map's only entry removes the node).
     */
    public static void assertEachKeyRequired(Map<String, String> yaml, Set<String> maps, Consumer<Config> readAll) {
        for (String key : yaml.keySet()) {
            Map<String, String> without = new HashMap<>(yaml);
            without.remove(key);
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> readAll.accept(Config.just(ConfigSources.create(without))),
                    key + " is in application.yaml but start-up works without it: unread, or defaulted in code");
            String parent = key.substring(0, key.lastIndexOf('.'));
            assertTrue(e.getMessage().contains(key) || maps.contains(parent) && e.getMessage().contains(parent),
                    "the failure names " + key + ": " + e.getMessage());
        }
    }

    /** The keys {@code readAll} asks for that {@code yaml} does not set (parents of set keys do not count). */
    public static Set<String> readButNotInYaml(Map<String, String> yaml, Consumer<Config> readAll) {
        Recorder recorder = new Recorder();
        Config config = Config.builder(ConfigSources.create(yaml))
                .addSource(recorder)
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        readAll.accept(config);
        assertTrue(recorder.asked.containsAll(yaml.keySet()), "the recorder saw the reads: " + recorder.asked);
        Set<String> missing = new TreeSet<>(recorder.asked);
        missing.removeIf(k -> k.isEmpty() || yaml.keySet().stream().anyMatch(y -> y.equals(k) || y.startsWith(k + ".")));
        return missing;
    }

    /** The keys of {@code yaml} the README's configuration table lacks. */
    public static Set<String> undocumented(Map<String, String> yaml) throws IOException {
        Set<String> undocumented = new TreeSet<>(yaml.keySet());
        undocumented.removeAll(readmeKeys(Files.readString(readme())));
        return undocumented;
    }

    /** Records every key asked of it: Helidon asks a lazy source for each key read. */
    private static final class Recorder implements ConfigSource, LazyConfigSource {
        final Set<String> asked = new TreeSet<>();

        @Override
        public Optional<ConfigNode> node(String key) {
            asked.add(key);
            return Optional.empty();
        }

        @Override
        public String description() {
            return "recorder of keys read";
        }
    }

    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("startup"))) {
                return dir.resolve("README.md");
            }
        }
        throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * The keys of the README's configuration table rows: the first cell's backticked names, where
     * {@code `.port`} after {@code `patchbay.sip.host`} is {@code patchbay.sip.port}.
     */
    public static Set<String> readmeKeys(String readme) {
        Set<String> keys = new LinkedHashSet<>();
        Pattern name = Pattern.compile("`([a-z.-]+)`");
        for (String line : readme.split("\n")) {
            if (!line.startsWith("| `patchbay.")) {
                continue;
            }
            String firstCell = line.substring(1, line.indexOf('|', 1));
            String last = null;
            Matcher m = name.matcher(firstCell);
            while (m.find()) {
                String key = m.group(1);
                if (key.startsWith(".") && last != null) {
                    key = last.substring(0, last.lastIndexOf('.')) + key;
                }
                keys.add(key);
                last = key;
            }
        }
        return keys;
    }
}
