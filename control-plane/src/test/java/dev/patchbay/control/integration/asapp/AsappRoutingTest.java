package dev.patchbay.control.integration.asapp;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.model.InviteHeaders;
import dev.patchbay.control.model.Route;
import dev.patchbay.control.routing.Router;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.control.trunk.SipAuthConfig;
import dev.patchbay.control.trunk.TrunkGuard;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.SipHeader;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing step 1 and the return's refusals on the real PostgreSQL: which bot a transferred call
 * reaches, the 404s and 403 with their reasons, the claim racing a second INVITE, and an INVITE return
 * refused for a call not yet answered.
 */
class AsappRoutingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AtomicReference<Instant> NOW = new AtomicReference<>(T0);
    private static TestDb db;
    private static DbClient client;
    private static TransferStore transfers;
    private static CallStore calls;
    private static Router router;
    private static Router strict;

    @BeforeAll
    static void setUp() throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_a', 'A', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_b', 'B', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_off', 'Off', FALSE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_ga', 'ws_a', 'GA', 'wss', "
                    + "'wss://ga.example/ws', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_did', 'ws_a', 'E', 'echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_b', 'ws_b', 'E', 'echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d1', 'ws_a', '+18005550100', "
                    + "'bot_did', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d2', 'ws_b', 'b-line', "
                    + "'bot_b', CURRENT_TIMESTAMP)");
        }
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD,
                        "patchbay.asapp.bot", "bot_ga")))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
        client = DbClient.create(config.get("patchbay.db"));
        Clock clock = new dev.patchbay.control.testing.SteerableClock(NOW);
        transfers = new TransferStore(client, clock);
        calls = new CallStore(client, clock);
        // Most cases here are about claiming, so trunkless workspaces are let in (require-inbound-trunk: false);
        // strict is the second router, as the control-plane runs by default.
        List<Router.HeaderStep> steps = List.of(new AsappRouting(client, transfers, AsappConfig.from(config)));
        TrunkGuard guard = TrunkGuard.create(client, new SecretBox(new byte[32]), SipAuthConfig.from(config), clock);
        router = new Router(client, steps, guard, false);
        strict = new Router(client, steps, guard, true);
    }

    @AfterAll
    static void tearDown() {
        client.close();
        db.close();
    }

    private static void transfer(String id, String workspace, String conversation, CallTransfer.ReturnType type) {
        transfers.insert(new CallTransfer(id, workspace, conversation, "SIP", "sip:a@b;x=1", type, null, null,
                "{\"taskName\":\"t\",\"inputVariables\":{\"n\":1}}", null, CallTransfer.Status.ACTIVE, null, NOW.get(),
                NOW.get().plus(Duration.ofMinutes(10)), null, null));
    }

    private static CallOffered invite(String requestUser, String transferId) {
        return CallOffered.newBuilder().setRequestUser(requestUser).setToUser(requestUser)
                .addHeaders(SipHeader.newBuilder().setName("x-asapp-calltransferid").setValue(" " + transferId + " ")).build();
    }

    private static Route.Reject reject(Route r) {
        return assertInstanceOf(Route.Reject.class, r);
    }

    @Test
    void theDidOfTheTransfersWorkspaceWinsElseTheConfiguredBot() throws Exception {
        transfer("r-did", "ws_a", "c1", CallTransfer.ReturnType.BYE);
        Route.Claimed byDid = assertInstanceOf(Route.Claimed.class, router.route(invite("+18005550100", "r-did")));
        assertEquals("bot_did", byDid.bot().botId());
        assertEquals("+18005550100", byDid.bot().number());
        Route.Claimed byConfig = assertInstanceOf(Route.Claimed.class, router.route(invite("r-did", "r-did")));
        assertEquals("bot_ga", byConfig.bot().botId());
        assertEquals(Route.BotKind.WSS, byConfig.bot().kind());
        JsonNode params = JSON.readTree(byConfig.customParametersJson());
        assertEquals("r-did", params.get("asapp.callTransferId").asText());
        assertEquals("c1", params.get("asapp.externalConversationId").asText());
        assertEquals("t", params.get("asapp.taskName").asText());
        assertEquals("{\"n\":1}", params.get("asapp.inputVariables").asText());
        // Another workspace's DID does not reach into this one.
        assertEquals("bot_ga", assertInstanceOf(Route.Claimed.class, router.route(invite("b-line", "r-did"))).bot().botId());
    }

    @Test
    void aTransfersWorkspaceWithAnInboundTrunkTakesOnlyItsSources() throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_sec', 'S', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_sec', 'ws_sec', 'E', 'echo', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d_sec', 'ws_sec', 'sec-line', "
                    + "'bot_sec', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO trunks (id, workspace_id, name, direction, allowed_cidrs, created_at) VALUES ('tr_sec', "
                    + "'ws_sec', 'ASAPP', 'inbound', '10.0.0.0/8', CURRENT_TIMESTAMP)");
        }
        transfer("r-sec", "ws_sec", "c-sec", CallTransfer.ReturnType.BYE);
        CallOffered fromOutside = invite("sec-line", "r-sec").toBuilder().setSource(
                dev.patchbay.proto.media.v1.SocketAddress.newBuilder().setIp("127.0.0.1").setPort(5060)).build();
        Route.Reject refused = reject(router.route(fromOutside));
        assertEquals(403, refused.sipStatus());
        assertTrue(refused.reason().contains("source 127.0.0.1 is not allowed to call workspace ws_sec"), refused.reason());
        // The refusal claims nothing: the same transfer still takes the call from the trunk's network.
        CallOffered fromTrunk = fromOutside.toBuilder().setSource(fromOutside.getSource().toBuilder().setIp("10.1.2.3")).build();
        assertEquals("bot_sec", assertInstanceOf(Route.Claimed.class, router.route(fromTrunk)).bot().botId());
    }

    @Test
    void aTransferIntoAWorkspaceWithoutAnInboundTrunkIsRefusedAndClaimsNothing() {
        transfer("r-open", "ws_b", "c-open", CallTransfer.ReturnType.BYE);
        Route.Reject refused = reject(strict.route(invite("b-line", "r-open")));
        assertEquals(403, refused.sipStatus());
        assertTrue(refused.reason().contains("must come through one of its inbound trunks"), refused.reason());
        assertEquals(CallTransfer.Status.ACTIVE, transfers.find("ws_b", "r-open").orElseThrow().status(), "nothing was claimed");
        // A plain DID call to the same open workspace is not a transfer and stays open.
        assertInstanceOf(Route.ToBot.class, strict.route(CallOffered.newBuilder().setRequestUser("b-line")
                .setToUser("b-line").build()));
    }

    @Test
    void unknownExpiredAndUsedIdsAre404WithTheirReason() {
        Route.Reject unknown = reject(router.route(invite("x", "r-nobody")));
        assertEquals(404, unknown.sipStatus());
        assertTrue(unknown.reason().contains("no ASAPP call transfer 'r-nobody'"), unknown.reason());

        transfer("r-old", "ws_a", "c2", CallTransfer.ReturnType.BYE);
        NOW.set(T0.plus(Duration.ofMinutes(10)));
        try {
            Route.Reject expired = reject(router.route(invite("x", "r-old")));
            assertEquals(404, expired.sipStatus());
            assertTrue(expired.reason().contains("expired"), expired.reason());
        } finally {
            NOW.set(T0);
        }

        transfer("r-used", "ws_a", "c3", CallTransfer.ReturnType.BYE);
        Route.Claimed first = assertInstanceOf(Route.Claimed.class, router.route(invite("x", "r-used")));
        // Two INVITEs routed before either is recorded: only the first record claims the transfer.
        Route.Claimed second = assertInstanceOf(Route.Claimed.class, router.route(invite("x", "r-used")));
        assertTrue(calls.insertClaiming(call("CA-first"), InviteHeaders.NONE, "first", first.claim()));
        assertFalse(calls.insertClaiming(call("CA-second"), InviteHeaders.NONE, "second", second.claim()));
        assertTrue(calls.find("CA-second").isEmpty(), "the losing call's row is rolled back");
        Route.Reject used = reject(router.route(invite("x", "r-used")));
        assertTrue(used.reason().contains("already used by call CA-first"), used.reason());
    }

    @Test
    void anIdTwoWorkspacesUseRoutesToTheActiveOneOrByDidAndOtherwiseTellsNothingOfEither() {
        transfer("r-twice", "ws_a", "c-a", CallTransfer.ReturnType.BYE);
        transfer("r-twice", "ws_b", "c-b", CallTransfer.ReturnType.BYE);
        Route.Reject ambiguous = reject(router.route(invite("nothing", "r-twice")));
        assertEquals(404, ambiguous.sipStatus());
        assertFalse(ambiguous.reason().contains("ws_a") || ambiguous.reason().contains("ws_b"), ambiguous.reason());
        Route.Claimed toB = assertInstanceOf(Route.Claimed.class, router.route(invite("b-line", "r-twice")));
        assertEquals("ws_b", toB.bot().workspaceId());
        assertTrue(calls.insertClaiming(call("CA-twice-b"), InviteHeaders.NONE, "b", toB.claim()));
        assertEquals(CallTransfer.Status.ACTIVE, transfers.find("ws_a", "r-twice").orElseThrow().status(), "ws_a's is untouched");
        // Now only ws_a's is ACTIVE, so the id alone finds it, whatever the Request-URI.
        Route.Claimed toA = assertInstanceOf(Route.Claimed.class, router.route(invite("nothing", "r-twice")));
        assertEquals("ws_a", toA.bot().workspaceId());
        assertTrue(calls.insertClaiming(call("CA-twice-a"), InviteHeaders.NONE, "a", toA.claim()));
        assertEquals(CallTransfer.Status.ONGOING, transfers.find("ws_a", "r-twice").orElseThrow().status());
    }

    @Test
    void aDisabledWorkspaceIs403AndAWorkspaceWithoutBotIs404() {
        transfer("r-off", "ws_off", "c4", CallTransfer.ReturnType.BYE);
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_off', 'ws_off', 'E', 'echo', "
                    + "CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('d3', 'ws_off', 'off-line', "
                    + "'bot_off', CURRENT_TIMESTAMP)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertEquals(403, reject(router.route(invite("off-line", "r-off"))).sipStatus());
        transfer("r-b", "ws_b", "c5", CallTransfer.ReturnType.BYE);
        Route.Reject none = reject(router.route(invite("nothing", "r-b")));
        assertEquals(404, none.sipStatus());
        assertTrue(none.reason().contains("patchbay.asapp.bot"), none.reason());
    }

    @Test
    void anInviteReturnCompletesTheTransferThenNeedsTheCallAnsweredOnALiveNode() throws Exception {
        transfer("r-inv", "ws_a", "c6", CallTransfer.ReturnType.INVITE);
        Route.Claimed c = assertInstanceOf(Route.Claimed.class, router.route(invite("x", "r-inv")));
        assertTrue(calls.insertClaiming(call("CA-inv"), InviteHeaders.NONE, "inv", c.claim()));
        AsappReturns returns = new AsappReturns(transfers, calls, new CallActions(calls, new MediaNodes(List.of()), new Tenants(client), new SecretBox(new byte[32])),
                new SecretBox(new byte[32]));
        ProblemException bad = assertThrows(ProblemException.class, () -> returns.complete(calls.find("CA-inv").orElseThrow(),
                JSON.readTree("{\"transferType\":\"BOT\",\"colour\":1,\"referenceVariables\":[]}")));
        assertEquals(422, bad.status());
        assertEquals(List.of("colour", "transferType", "referenceVariables"),
                bad.errors().stream().map(dev.patchbay.rest.FieldError::field).toList());
        assertEquals(CallTransfer.Status.ONGOING, transfers.find("ws_a", "r-inv").orElseThrow().status(), "a bad context changes nothing");
        ProblemException p = assertThrows(ProblemException.class, () -> returns.complete(calls.find("CA-inv").orElseThrow(),
                JSON.readTree("{\"transferType\":\"AGENT\"}")));
        assertEquals(409, p.status(), p.detail());
        assertEquals("sip.returnTransferType", p.errors().get(0).field());
        assertTrue(p.detail().contains("INVITE return failed") && p.detail().contains("answered call"), p.detail());
        assertEquals(CallTransfer.Status.COMPLETED, transfers.find("ws_a", "r-inv").orElseThrow().status());
    }

    private static CallRecord call(String id) {
        return new CallRecord(id, "ws_a", "bot_ga", CallRecord.Direction.INBOUND, CallStatus.RINGING, "+1", "x", "x",
                "127.0.0.1:9090", "tok", new CallRecord.Stream(null, "echo", 8000, null), null, null, null, null, null,
                NOW.get(), null, null);
    }
}
