package dev.patchbay.control.app;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.patchbay.control.call.RingingSounds;
import dev.patchbay.control.delivery.OutboundPolicy;
import dev.patchbay.control.delivery.OutboxConfig;
import dev.patchbay.control.delivery.SigningKeys;
import dev.patchbay.control.integration.ameyo.AmeyoConfig;
import dev.patchbay.control.integration.asapp.AsappConfig;
import dev.patchbay.control.quality.QualityConfig;
import dev.patchbay.control.recording.RecordingsConfig;
import dev.patchbay.control.store.OutageRetry;
import dev.patchbay.control.trunk.SipAuthConfig;
import dev.patchbay.control.wss.BridgeConfig;
import dev.patchbay.schema.DbSettings;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.startup.ShippedDefaults;
import dev.patchbay.startup.testing.ConfigKeys;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control-plane's settings, its shipped application.yaml and the README's configuration table
 * agree: every key in the YAML is read with no default in code, every key read is in the YAML, and
 * every one is documented. Not covered here: {@code patchbay.agents.*} (agents-api's records, checked by
 * its AgentsConfigKeysTest against this same YAML), the named SQL in {@code patchbay.db.statements.*} and
 * {@code patchbay.db.source}, which Helidon's DbClient reads, not a record.
 */
class ControlConfigKeysTest {

    private static Map<String, String> yaml() {
        Map<String, String> yaml = new TreeMap<>(ConfigKeys.flatten(ShippedDefaults.root(ControlConfig.class),
                key -> !key.startsWith("patchbay.agents.") && !key.startsWith("patchbay.db.statements.")
                        && !key.equals("patchbay.db.source")));
        // A configured key, so reading the settings does not generate one under patchbay.var.
        yaml.put("patchbay.secrets.key", Base64.getEncoder().encodeToString(new byte[32]));
        return yaml;
    }

    /** Every reader of control-plane settings outside agents/, as ControlPlane.start runs them. */
    private static void readAll(Config root) {
        ControlConfig.from(root);
        WarmupConfig.from(root);
        OutboxConfig.from(root);
        SipAuthConfig.from(root);
        AsappConfig.from(root);
        AmeyoConfig.from(root);
        OutboundPolicy.from(root);
        RingingSounds.from(root);
        SigningKeys.fromConfig(root);
        DbSettings.from(root.get("patchbay.db"));
        RecordingsConfig.from(root, SecretBox.from(root));
        OutageRetry.from(root);
        BridgeConfig.from(root);
        QualityConfig.from(root);
    }

    @Test
    void everyKeyInTheYamlIsReadAndHasNoOtherDefault() {
        Map<String, String> yaml = yaml();
        assertTrue(yaml.size() >= 40, "the YAML was found: " + yaml.keySet());
        ConfigKeys.assertEachKeyRequired(yaml, Set.of("patchbay.control.outbound.signing-keys"),
                ControlConfigKeysTest::readAll);
    }

    @Test
    void everyKeyReadIsInTheYamlAndReadsAsTheDefaults() {
        assertEquals(Set.of(), ConfigKeys.readButNotInYaml(yaml(), config -> {
            readAll(config);
            assertEquals(ControlConfig.defaults(), ControlConfig.from(config));
            assertEquals(WarmupConfig.defaults(), WarmupConfig.from(config));
            assertEquals(OutboxConfig.defaults(), OutboxConfig.from(config));
            assertEquals(SipAuthConfig.defaults(), SipAuthConfig.from(config));
            assertEquals(AsappConfig.defaults(), AsappConfig.from(config));
            assertEquals(AmeyoConfig.defaults(), AmeyoConfig.from(config));
            assertEquals(OutboundPolicy.defaults(), OutboundPolicy.from(config));
            assertEquals(RingingSounds.defaults(), RingingSounds.from(config));
            assertEquals(BridgeConfig.defaults(), BridgeConfig.from(config));
            assertEquals(QualityConfig.defaults(), QualityConfig.from(config));
        }), "keys the control-plane reads that application.yaml does not set");
    }

    @Test
    void everyKeyIsDocumentedInTheReadme() throws IOException {
        assertEquals(Set.of(), ConfigKeys.undocumented(yaml()), "control-plane keys missing from README.md's configuration table");
    }
}
