package dev.patchbay.control.routing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

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
        }
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
        client = DbClient.create(config.get("patchbay.db"));
        router = new Router(client);
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
    void requestUriUserReachesItsBot() {
        Route.ToBot r = bot(router.route(offer("echo", "someone-else")));
        assertEquals(List.of("ws_on", "bot_echo", Route.BotKind.ECHO, "echo", "request-uri"),
                List.of(r.workspaceId(), r.botId(), r.kind(), r.number(), r.via()));
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

    @Test
    void ameyoDisplayAndWorkspaceHeaderComeFirst() {
        CallOffered ameyo = CallOffered.newBuilder().setRequestUser("echo").setToUser("echo")
                .setFromDisplay("00919990152080|d444-69139d35-vce-daf-3883")
                .addHeaders(SipHeader.newBuilder().setName("X-Workspace-ID").setValue("ws_on")).build();
        Route.ToBot r = bot(router.route(ameyo));
        assertEquals("from-display", r.via());
        assertEquals("+919990152080", r.number());
        // The same display for a workspace that does not own the DID falls through to the Request-URI.
        CallOffered other = ameyo.toBuilder().setHeaders(0, SipHeader.newBuilder().setName("X-Workspace-ID").setValue("ws_off")).build();
        assertEquals("request-uri", bot(router.route(other)).via());
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
