package dev.patchbay.control.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import dev.patchbay.control.model.TrunkDtmfMode;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Outbound calls pick the oldest outbound trunk, never an inbound one, and honour its caller-ID rule. */
class TenantsTrunkTest {

    @Test
    void theOldestOutboundTrunkIsUsedAndMayPinItsCallerId() throws Exception {
        try (TestDb db = new TestDb()) {
            Migrations.migrate(db.settings());
            try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
                s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws', 'W', TRUE, CURRENT_TIMESTAMP)");
                s.execute("INSERT INTO trunks (id, workspace_id, name, direction, allowed_cidrs, created_at, codecs) VALUES "
                        + "('tr_in', 'ws', 'PBX', 'inbound', '10.0.0.0/8', TIMESTAMP '2026-01-01 00:00:00', 'PCMU')");
                s.execute("INSERT INTO trunks (id, workspace_id, name, host, port, transport, caller_id, caller_id_override, "
                        + "created_at, dtmf_mode, codecs) VALUES ('tr_out', 'ws', 'Carrier', 'sip.example', 5060, 'udp', '+14155550100', FALSE, "
                        + "TIMESTAMP '2026-01-02 00:00:00', 'info', 'G722,opus,PCMU')");
                s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws2', 'W2', TRUE, CURRENT_TIMESTAMP)");
                s.execute("INSERT INTO trunks (id, workspace_id, name, host, port, transport, created_at) VALUES "
                        + "('tr_auto', 'ws2', 'Carrier', 'sip.example', 5060, 'udp', CURRENT_TIMESTAMP)");
                // V13's check keeps modes the control-plane does not know out of the table.
                org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, () -> s.execute(
                        "UPDATE trunks SET dtmf_mode = 'rfc2833' WHERE id = 'tr_auto'"));
            }
            Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                    .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                            "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                    .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                    .build();
            DbClient client = DbClient.create(config.get("patchbay.db"));
            try {
                Tenants.Trunk trunk = new Tenants(client).outboundTrunk("ws").orElseThrow();
                assertEquals("tr_out", trunk.id(), "the older inbound trunk is not a way out");
                assertEquals("+14155550100", trunk.from("+918035735900"), "a pinned caller ID wins over the request");
                assertEquals(TrunkDtmfMode.INFO, trunk.dtmfMode());
                assertEquals(dev.patchbay.proto.media.v1.DtmfMethod.DTMF_SIP_INFO, trunk.dtmfMode().method(),
                        "what PlaceCallRequest.dtmf_method carries");
                assertEquals(TrunkDtmfMode.AUTO, new Tenants(client).outboundTrunk("ws2").orElseThrow().dtmfMode(), "the default");
                assertEquals(java.util.List.of("G722", "opus", "PCMU"), trunk.media().codecs(), "what PlaceCallRequest.codecs carries");
                assertEquals(java.util.List.of(), new Tenants(client).outboundTrunk("ws2").orElseThrow().media().codecs(),
                        "no codecs: the media-plane's default offer");
                assertEquals(java.util.List.of("PCMU"), new InboundTrunks(client).of("ws").getFirst().media().codecs(),
                        "inbound trunks read the column too");
                Tenants.Trunk open = new Tenants.Trunk("t", "h", 5060, "udp", null, null, "+14155550100", true);
                assertEquals("+918035735900", open.from("+918035735900"));
            } finally {
                client.close();
            }
        }
    }
}
