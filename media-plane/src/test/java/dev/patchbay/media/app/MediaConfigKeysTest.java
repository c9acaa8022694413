package dev.patchbay.media.app;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.config.MediaDefaults;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.MissingValueException;
import io.helidon.config.spi.ConfigNode;
import io.helidon.config.spi.ConfigSource;
import io.helidon.config.spi.LazyConfigSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The media-plane's settings, the shipped application.yaml and the README's configuration table
 * agree: every key in the YAML is read (and has no default elsewhere: without it start-up fails
 * naming it), every key read is in the YAML, and every one is documented.
 */
class MediaConfigKeysTest {

    /** The YAML's keys and values, flattened: {@code patchbay.sip.port -> 5060}. */
    private static Map<String, String> yaml() {
        Map<String, String> keys = new TreeMap<>();
        MediaDefaults.root().traverse().filter(Config::isLeaf)
                .forEach(c -> keys.put(c.key().toString(), c.asString().get()));
        return keys;
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

    @Test
    void everyKeyInTheYamlIsReadAndHasNoOtherDefault() {
        Map<String, String> yaml = yaml();
        assertTrue(yaml.size() >= 30, "the YAML was found: " + yaml.keySet());
        for (String key : yaml.keySet()) {
            Map<String, String> without = new HashMap<>(yaml);
            without.remove(key);
            MissingValueException e = assertThrows(MissingValueException.class,
                    () -> MediaConfig.from(Config.just(ConfigSources.create(without))),
                    key + " is in application.yaml but the media-plane starts without it: unread, or defaulted in code");
            assertTrue(e.getMessage().contains(key), "the failure names " + key + ": " + e.getMessage());
        }
    }

    @Test
    void everyKeyReadIsInTheYaml() {
        Recorder recorder = new Recorder();
        Config config = Config.builder(ConfigSources.create(yaml()))
                .addSource(recorder)
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        MediaConfig read = MediaConfig.from(config);
        assertEquals(MediaConfig.defaults(), read, "the flattened YAML reads as the defaults");
        Set<String> yaml = yaml().keySet();
        assertTrue(recorder.asked.containsAll(yaml), "the recorder saw the reads: " + recorder.asked);
        Set<String> missing = new TreeSet<>(recorder.asked);
        missing.removeIf(k -> k.isEmpty() || yaml.stream().anyMatch(y -> y.equals(k) || y.startsWith(k + "."))); // keys, parents, root
        assertEquals(Set.of(), missing, "keys the media-plane reads that application.yaml does not set");
    }

    @Test
    void everyKeyIsDocumentedInTheReadme() throws IOException {
        Set<String> documented = readmeKeys(Files.readString(readme()));
        Set<String> undocumented = new TreeSet<>(yaml().keySet());
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "media-plane keys missing from README.md's configuration table");
    }

    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("media-plane"))) {
                return dir.resolve("README.md");
            }
        }
        throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * The keys of the README's configuration table rows: the first cell's backticked names, where
     * {@code `.port`} after {@code `patchbay.sip.host`} is {@code patchbay.sip.port}.
     */
    static Set<String> readmeKeys(String readme) {
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

    @Test
    void readmeSiblingKeysExpand() {
        assertEquals(Set.of("patchbay.a.b.host", "patchbay.a.b.port", "patchbay.c"),
                readmeKeys("| `patchbay.a.b.host` / `.port` | x | y |\n| `patchbay.c` (media-plane) | `d` | e |\nother `patchbay.z`\n"));
    }
}
