package dev.patchbay.admin.config;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.patchbay.schema.DbSettings;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.startup.ShippedDefaults;
import dev.patchbay.startup.testing.ConfigKeys;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin-api's settings, its shipped application.yaml and the README's configuration table agree:
 * every key in the YAML is read with no default in code, every key read is in the YAML, and every one
 * is documented. Not covered: the named SQL in {@code patchbay.db.statements.*} and
 * {@code patchbay.db.source}, which Helidon's DbClient reads, not a record.
 */
class AdminConfigKeysTest {

    private static Map<String, String> yaml() {
        Map<String, String> yaml = new TreeMap<>(ConfigKeys.flatten(ShippedDefaults.root(AdminConfig.class),
                key -> !key.startsWith("patchbay.db.statements.") && !key.equals("patchbay.db.source")));
        // A configured key, so reading the settings does not generate one under patchbay.var.
        yaml.put("patchbay.secrets.key", Base64.getEncoder().encodeToString(new byte[32]));
        return yaml;
    }

    /** Every reader of admin-api settings, as AdminApi.start runs them. */
    private static void readAll(Config root) {
        AdminConfig.from(root);
        LiveFeedConfig.from(root);
        DbSettings.from(root.get("patchbay.db"));
        SecretBox.from(root);
    }

    @Test
    void everyKeyInTheYamlIsReadAndHasNoOtherDefault() {
        Map<String, String> yaml = yaml();
        assertTrue(yaml.size() >= 10, "the YAML was found: " + yaml.keySet());
        ConfigKeys.assertEachKeyRequired(yaml, Set.of(), AdminConfigKeysTest::readAll);
    }

    @Test
    void everyKeyReadIsInTheYamlAndReadsAsTheDefaults() {
        assertEquals(Set.of(), ConfigKeys.readButNotInYaml(yaml(), config -> {
            readAll(config);
            assertEquals(AdminConfig.defaults(), AdminConfig.from(config));
        }), "keys the admin-api reads that application.yaml does not set");
    }

    @Test
    void everyKeyIsDocumentedInTheReadme() throws IOException {
        assertEquals(Set.of(), ConfigKeys.undocumented(yaml()), "admin-api keys missing from README.md's configuration table");
    }
}
