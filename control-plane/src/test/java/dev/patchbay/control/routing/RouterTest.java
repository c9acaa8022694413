package dev.patchbay.control.routing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import dev.patchbay.control.integration.ameyo.AmeyoIntegration;
import dev.patchbay.control.integration.ameyo.AmeyoRouting;
import dev.patchbay.control.model.Route;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.SipHeader;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing against the real PostgreSQL, with the named statements from the shipped application.yaml. */
class RouterTest {

    private static TestDb db;
    private static DbClient client;
    private static Router router;

    @BeforeAll
    static void setUp() throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_on', 'On', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_off', 'Off', FALSE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_echo', 'ws_on', 'Echo', 'echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_wss', 'ws_on', 'W', 'wss', 'wss://bot.example/ws', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_off', 'ws_off', 'Echo', 'echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d1', 'ws_on', 'echo', 'bot_echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d2', 'ws_on', '+919990152080', 'bot_echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d3', 'ws_on', 'wss-bot', 'bot_wss', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d4', 'ws_off', 'closed', 'bot_off', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_b', 'B', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_b', 'ws_b', 'Echo', 'echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d5', 'ws_b', '+15550001', 'bot_b', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_tr', 'T', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_tr', 'ws_tr', 'Echo', 'echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d6', 'ws_tr', 'trunked', 'bot_tr', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO trunks (id, workspace_id, name, direction, allowed_cidrs, created_at, dtmf_mode, codecs) VALUES "
                    + "('tr_info', 'ws_tr', 'PBX', 'inbound', '198.51.100.0/24', CURRENT_TIMESTAMP, 'info', 'PCMA,G722')");
            s.execute("INSERT INTO trunks (id, workspace_id, name, direction, host, port, transport, created_at, dtmf_mode, codecs) VALUES "
                    + "('tr_reg', 'ws_tr', 'Carrier', 'outbound', 'pbx.example', 5060, 'udp', CURRENT_TIMESTAMP, 'rfc4733', 'opus,PCMU')");
            s.execute("INSERT INTO trunks (id, workspace_id, name, direction, host, port, transport, created_at) VALUES "
                    + "('tr_reg2', 'ws_tr', 'Carrier 2', 'outbound', 'pbx.example', 5060, 'udp', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO trunk_registrations (trunk_id, workspace_id, registrar, transport, username, password_enc, "
                    + "expires, contact_user, revision, created_at, state, updated_at) VALUES ('tr_reg', 'ws_tr', 'sip:pbx.example', "
                    + "'udp', 'trunked', 'v2:x', 3600, 'pbr00000000000000000000000000000001', 1, CURRENT_TIMESTAMP, 'registered', "
                    + "CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO trunk_registrations (trunk_id, workspace_id, registrar, transport, username, password_enc, "
                    + "expires, contact_user, revision, created_at, state, updated_at) VALUES ('tr_reg2', 'ws_tr', 'sip:pbx.example', "
                    + "'udp', '1001', 'v2:x', 3600, 'pbr00000000000000000000000000000002', 1, CURRENT_TIMESTAMP, 'registered', "
                    + "CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO ameyo_integrations (workspace_id, allowed_sources, notification_url, updated_at) "
                    + "VALUES ('ws_on', '10.1.0.0/16, 203.0.113.7', 'https://ameyo.example/n', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO ameyo_integrations (workspace_id, allowed_sources, notification_url, updated_at) "
                    + "VALUES ('ws_b', '0.0.0.0/0', 'https://ameyo.example/n', CURRENT_TIMESTAMP)");
        }
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
        client = DbClient.create(config.get("patchbay.db"));
        // Wired as ControlPlane does: Ameyo is a header step.
        router = new Router(client, List.of(new AmeyoRouting(client, new AmeyoIntegration(client))),
                dev.patchbay.control.trunk.TrunkGuard.create(client, new dev.patchbay.schema.SecretBox(new byte[32]),
                dev.patchbay.control.trunk.SipAuthConfig.from(config), java.time.Clock.systemUTC()));
    }

    @AfterAll
    static void tearDown() {
        client.close();
        db.close();
    }

    private static CallOffered offer(String requestUser, String toUser) {
        return CallOffered.newBuilder().setRequestUser(requestUser).setToUser(toUser).build();
    }

    private static Route.ToBot bot(Route route) {
        return assertInstanceOf(Route.ToBot.class, route);
    }

    @Test
    void theAdmittingTrunksDtmfModeAndCodecOrderGoWithTheRoute() {
        CallOffered viaTrunk = CallOffered.newBuilder().setRequestUser("trunked")
                .setSource(dev.patchbay.proto.media.v1.SocketAddress.newBuilder().setIp("198.51.100.9").setPort(5060))
                .setTransport(dev.patchbay.proto.media.v1.Transport.UDP).build();
        assertEquals(dev.patchbay.control.model.TrunkDtmfMode.INFO, bot(router.route(viaTrunk)).dtmfMode());
        assertEquals(List.of("PCMA", "G722"), bot(router.route(viaTrunk)).trunkMedia().codecs(), "what RouteDecision.codecs carries");
        assertEquals(dev.patchbay.control.model.TrunkDtmfMode.AUTO, bot(router.route(offer("echo", ""))).dtmfMode(),
                "a workspace without inbound trunks: auto");
        assertEquals(List.of(), bot(router.route(offer("echo", ""))).trunkMedia().codecs(), "and the default codec order");
    }

    @Test
    void aCallToARegisteredContactStaysInTheTrunksWorkspace() {
        CallOffered fromCarrier = CallOffered.newBuilder().setRequestUser("pbr00000000000000000000000000000001")
                .setToUser("somebody")
                .setSource(dev.patchbay.proto.media.v1.SocketAddress.newBuilder().setIp("203.0.113.9").setPort(5060))
                .setTransport(dev.patchbay.proto.media.v1.Transport.UDP).build();
        Route.ToBot byUsername = bot(router.route(fromCarrier));
        assertEquals(List.of("ws_tr", "bot_tr", "trunked", RegisteredContact.VIA), List.of(byUsername.workspaceId(),
                byUsername.botId(), byUsername.number(), byUsername.via()), "To is no DID: the address of record's user is");
        assertEquals(dev.patchbay.control.model.TrunkDtmfMode.RFC4733, byUsername.dtmfMode(), "the registering trunk's mode");
        assertEquals(List.of("opus", "PCMU"), byUsername.trunkMedia().codecs(), "and its codec order");

        Route.ToBot byTo = bot(router.route(fromCarrier.toBuilder().setRequestUser("pbr00000000000000000000000000000002")
                .setToUser("trunked").build()));
        assertEquals("bot_tr", byTo.botId(), "admitted though the source is in no inbound trunk of ws_tr");

        Route other = router.route(fromCarrier.toBuilder().setRequestUser("pbr00000000000000000000000000000002")
                .setToUser("echo").build());
        Route.Reject r = assertInstanceOf(Route.Reject.class, other, "ws_on's DID is not reachable through ws_tr's trunk");
        assertEquals(404, r.sipStatus());
        assertTrue(r.reason().contains("tr_reg2") && r.reason().contains("'echo'"), r.reason());

        assertEquals("to", bot(router.route(offer("pbr00000000000000000000000000000009", "echo"))).via(),
                "no such Contact: ordinary routing, by To");
    }

    @Test
    void requestUriUserReachesItsBot() {
        Route.ToBot r = bot(router.route(offer("echo", "someone-else")));
        assertEquals(List.of("ws_on", "bot_echo", Route.BotKind.ECHO, "echo", "request-uri"),
                List.of(r.workspaceId(), r.botId(), r.kind(), r.number(), r.via()));
    }

    @Test
    void aBotsSettingsAreReadPerCallSoTheNextCallSeesAChange() {
        Route.ToBot before = bot(router.route(offer("wss-bot", "")));
        assertEquals(Route.Settings.DEFAULT, before.settings(), "V10 defaults for a bot never configured");
        client.execute().update("UPDATE bots SET sample_rate = 16000, custom_parameters = ? WHERE id = 'bot_wss'",
                "{\"tenant\":\"acme\",\"lang\":\"de\"}");
        try {
            Route.ToBot after = bot(router.route(offer("wss-bot", "")));
            assertEquals(16000, after.settings().sampleRate());
            assertEquals(java.util.List.of("tenant", "lang"), java.util.List.copyOf(after.settings().customParameters().keySet()));
            assertEquals("acme", after.settings().customParameters().get("tenant"));
            assertEquals(null, after.settings().connectTimeout(), "null: the global setting applies");
            client.execute().update("UPDATE bots SET connect_timeout_ms = 300, answer_timeout_ms = 400 WHERE id = 'bot_wss'");
            Route.ToBot timed = bot(router.route(offer("wss-bot", "")));
            assertEquals(java.time.Duration.ofMillis(300), timed.settings().connectTimeout());
            assertEquals(java.time.Duration.ofMillis(400), timed.settings().answerTimeout());
        } finally {
            client.execute().update("UPDATE bots SET connect_timeout_ms = NULL, answer_timeout_ms = NULL WHERE id = 'bot_wss'");
            client.execute().update("UPDATE bots SET sample_rate = 8000, custom_parameters = NULL WHERE id = 'bot_wss'");
        }
    }

    @Test
    void toUserIsTheFallback() {
        Route.ToBot r = bot(router.route(offer("trunk-gw", "echo")));
        assertEquals("bot_echo", r.botId());
        assertEquals("to", r.via());
    }

    @Test
    void internationalZeroZeroFormFindsTheE164DidAndKeepsTheRawForm() {
        Route.ToBot r = bot(router.route(offer("00919990152080", "")));
        assertEquals("+919990152080", r.number());
        assertEquals("00919990152080", r.raw());
    }

    private static CallOffered ameyo(String display, String workspace, String sourceIp) {
        return CallOffered.newBuilder().setRequestUser("echo").setToUser("echo").setFromDisplay(display)
                .setSource(dev.patchbay.proto.media.v1.SocketAddress.newBuilder().setIp(sourceIp).setPort(5060))
                .addHeaders(SipHeader.newBuilder().setName("X-Workspace-ID").setValue(workspace)).build();
    }

    @Test
    void ameyoDisplayAndWorkspaceHeaderComeFirst() {
        Route.ToBot r = bot(router.route(ameyo("00919990152080|d444-69139d35-vce-daf-3883", "ws_on", "10.1.2.3")));
        assertEquals(AmeyoRouting.FROM_DISPLAY, r.via());
        assertEquals("+919990152080", r.number());
        assertEquals("00919990152080", r.raw());
    }

    @Test
    void ameyoDidOfAnotherWorkspaceIs403NotAFallThrough() {
        Route.Reject r = assertInstanceOf(Route.Reject.class,
                router.route(ameyo("00919990152080|d444-69139d35-vce-daf-3883", "ws_b", "10.1.2.3")));
        assertEquals(403, r.sipStatus());
        assertTrue(r.reason().contains("does not belong to workspace ws_b"), r.reason());
        Route.Reject unknown = assertInstanceOf(Route.Reject.class, router.route(ameyo("0049301234|crt-1", "ws_b", "10.1.2.3")));
        assertEquals(404, unknown.sipStatus(), unknown.reason());
    }

    @Test
    void ameyoSourceOutsideTheAllowListIs403BeforeAnythingElse() {
        Route.Reject r = assertInstanceOf(Route.Reject.class, router.route(ameyo("garbage", "ws_on", "10.2.0.1")));
        assertEquals(403, r.sipStatus());
        assertEquals("source 10.2.0.1 is not in the Ameyo allow-list of workspace ws_on", r.reason());
        assertEquals(403, assertInstanceOf(Route.Reject.class,
                router.route(ameyo("00919990152080|crt", "ws_nope", "10.1.2.3"))).sipStatus(), "unknown workspace");
        assertEquals(403, assertInstanceOf(Route.Reject.class,
                router.route(ameyo("00919990152080|crt", "ws_off", "10.1.2.3"))).sipStatus(), "no Ameyo integration");
    }

    @Test
    void malformedAmeyoDisplaysAre400NamingTheProblem() {
        for (String[] c : new String[][] {
                {"00919990152080", "not \"<DID>|<CRT Object ID>\""},
                {"00919990152080|", "no CRT Object ID"},
                {"+919990152080|crt", "must be 3 to 20 digits"},
                {"0091999x|crt", "must be 3 to 20 digits"},
                {"00919990152080|a b", "visible ASCII"}}) {
            Route.Reject r = assertInstanceOf(Route.Reject.class, router.route(ameyo(c[0], "ws_on", "203.0.113.7")));
            assertEquals(400, r.sipStatus(), c[0]);
            assertTrue(r.reason().contains(c[1]), r.reason());
        }
    }

    @Test
    void unknownNumberIs404NamingWhatWasTried() {
        Route.Reject r = assertInstanceOf(Route.Reject.class, router.route(offer("nobody", "0049301234")));
        assertEquals(404, r.sipStatus());
        assertTrue(r.reason().contains("'nobody'") && r.reason().contains("'0049301234'") && r.reason().contains("'+49301234'"), r.reason());
    }

    @Test
    void disabledWorkspaceIs403AndNamesIt() {
        Route.Reject r = assertInstanceOf(Route.Reject.class, router.route(offer("closed", "")));
        assertEquals(403, r.sipStatus());
        assertEquals("ws_off", r.workspaceId());
    }

    @Test
    void wssBotsCarryTheirUrl() {
        Route.ToBot r = bot(router.route(offer("wss-bot", "")));
        assertEquals(Route.BotKind.WSS, r.kind());
        assertEquals("wss://bot.example/ws", r.url());
    }

    @Test
    void offerWithoutUsersIs404() {
        assertEquals(404, assertInstanceOf(Route.Reject.class, router.route(offer("", ""))).sipStatus());
    }
}
