package dev.patchbay.agents;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.patchbay.agents.ai.LlmConfig;
import dev.patchbay.agents.ai.VoiceConfig;
import dev.patchbay.agents.auth.ClientAddress;
import dev.patchbay.agents.config.AgentsConfig;
import dev.patchbay.agents.transcripts.TranscriptsConfig;
import dev.patchbay.agents.transcripts.asr.AsrConfig;
import dev.patchbay.control.app.ControlConfig;
import dev.patchbay.startup.ShippedDefaults;
import dev.patchbay.startup.testing.ConfigKeys;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agents' settings ({@code patchbay.agents.*}), the application.yaml of the control-plane process
 * that mounts them, and the README's configuration table agree: every key in the YAML is read with no
 * default in code, every key read is in the YAML, and every one is documented. The currency table and
 * the rate table are operator lists, not single keys: removing one entry is a valid configuration, so
 * they are checked as whole nodes (and USD, which rates are priced in, as a key).
 */
class AgentsConfigKeysTest {

    private static final String CURRENCIES = "patchbay.agents.currencies";
    private static final String RATES = "patchbay.agents.rates";

    /** With the quality setting AgentsConfig shares with every call's record (the control-plane's test checks it too). */
    private static Map<String, String> yaml() {
        return ConfigKeys.flatten(ShippedDefaults.root(ControlConfig.class), key -> key.startsWith("patchbay.agents.")
                || key.startsWith("patchbay.quality."));
    }

    /** Every reader of agents settings, as AgentsApi's constructor runs them. */
    private static void readAll(Config root) {
        AgentsConfig.from(root);
        TranscriptsConfig.from(root);
        AsrConfig.from(root);
        ClientAddress.from(root);
        LlmConfig.from(root);
        VoiceConfig.from(root);
    }

    @Test
    void everyKeyInTheYamlIsReadAndHasNoOtherDefault() {
        Map<String, String> yaml = yaml();
        assertTrue(yaml.size() >= 40, "the YAML was found: " + yaml.keySet());
        Map<String, String> single = new TreeMap<>(yaml);
        // Other currencies than USD may be removed; the table as a whole is checked below.
        single.keySet().removeIf(k -> k.startsWith(CURRENCIES + ".") && !k.equals(CURRENCIES + ".USD"));
        ConfigKeys.assertEachKeyRequired(single, Set.of(CURRENCIES), AgentsConfigKeysTest::readAll);
    }

    @Test
    void theCurrencyAndRateTablesAreRequired() {
        for (String table : Set.of(CURRENCIES, RATES)) {
            Map<String, String> without = new TreeMap<>(yaml());
            without.keySet().removeIf(k -> k.startsWith(table + "."));
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> readAll(Config.just(ConfigSources.create(without))), table + " removed");
            assertTrue(e.getMessage().contains(table), "the failure names " + table + ": " + e.getMessage());
        }
    }

    @Test
    void everyKeyReadIsInTheYamlAndReadsAsTheDefaults() {
        assertEquals(Set.of(), ConfigKeys.readButNotInYaml(yaml(), config -> {
            readAll(config);
            assertEquals(AgentsConfig.defaults(), AgentsConfig.from(config));
            assertEquals(TranscriptsConfig.defaults(), TranscriptsConfig.from(config));
            assertEquals(AsrConfig.defaults(), AsrConfig.from(config));
            assertEquals(LlmConfig.defaults(), LlmConfig.from(config));
            assertEquals(VoiceConfig.defaults(), VoiceConfig.from(config));
        }), "keys the agents' API reads that application.yaml does not set");
    }

    /** Table entries are documented as their table ({@code patchbay.agents.rates}), not entry by entry. */
    @Test
    void everyKeyIsDocumentedInTheReadme() throws IOException {
        Map<String, String> keys = new TreeMap<>(yaml());
        keys.keySet().removeIf(k -> k.startsWith(CURRENCIES + ".") || k.startsWith(RATES + "."));
        keys.put(CURRENCIES, "");
        keys.put(RATES, "");
        assertEquals(Set.of(), ConfigKeys.undocumented(keys), "agents keys missing from README.md's configuration table");
    }
}
