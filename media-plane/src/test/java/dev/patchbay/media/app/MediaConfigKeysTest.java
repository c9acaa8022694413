package dev.patchbay.media.app;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import dev.patchbay.media.config.MediaDefaults;
import dev.patchbay.startup.testing.ConfigKeys;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The media-plane's settings, the shipped application.yaml and the README's configuration table
 * agree: every key in the YAML is read (and has no default elsewhere: without it start-up fails
 * naming it), every key read is in the YAML, and every one is documented.
 */
class MediaConfigKeysTest {

    private static Map<String, String> yaml() {
        return ConfigKeys.flatten(MediaDefaults.root(), key -> true);
    }

    @Test
    void everyKeyInTheYamlIsReadAndHasNoOtherDefault() {
        Map<String, String> yaml = yaml();
        assertTrue(yaml.size() >= 30, "the YAML was found: " + yaml.keySet());
        ConfigKeys.assertEachKeyRequired(yaml, Set.of(), MediaConfig::from);
    }

    @Test
    void everyKeyReadIsInTheYaml() {
        assertEquals(Set.of(), ConfigKeys.readButNotInYaml(yaml(),
                        config -> assertEquals(MediaConfig.defaults(), MediaConfig.from(config), "the flattened YAML reads as the defaults")),
                "keys the media-plane reads that application.yaml does not set");
    }

    @Test
    void everyKeyIsDocumentedInTheReadme() throws IOException {
        assertEquals(Set.of(), ConfigKeys.undocumented(yaml()), "media-plane keys missing from README.md's configuration table");
    }

    @Test
    void readmeSiblingKeysExpand() {
        assertEquals(Set.of("patchbay.a.b.host", "patchbay.a.b.port", "patchbay.c"), ConfigKeys.readmeKeys(
                "| `patchbay.a.b.host` / `.port` | x | y |\n| `patchbay.c` (media-plane) | `d` | e |\nother `patchbay.z`\n"));
    }
}
