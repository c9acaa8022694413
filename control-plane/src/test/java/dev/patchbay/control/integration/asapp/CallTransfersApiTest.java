package dev.patchbay.control.integration.asapp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.rest.Problems;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 004's REST contract over real HTTP on the real PostgreSQL: every field by its seed name, a
 * problem naming every bad field, the ASAPP header auth, and TTL expiry on an injected clock.
 */
class CallTransfersApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2025-01-15T13:06:00.250Z");
    private static final String URI_WITH_PARAMS = "sip:user@customer-sbc.example.com;User-to-User=UUI-12345";

    /** The test's hands on time; the store reads it through a Clock. */
    private static final AtomicReference<Instant> NOW = new AtomicReference<>(T0);
    private static TestDb db;
    private static DbClient client;
    private static WebServer server;
    private static TransferStore transfers;
    private static AsappReturns returns;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            for (String[] ws : new String[][] {{"ws_a", "TRUE"}, {"ws_b", "TRUE"}, {"ws_off", "FALSE"}}) {
                s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + ws[0] + "', 'W', " + ws[1]
                        + ", CURRENT_TIMESTAMP)");
                s.execute("INSERT INTO api_keys (id, workspace_id, name, secret_sha256, created_at) VALUES ('key_" + ws[0]
                        + "', '" + ws[0] + "', 't', '" + sha256("secret-" + ws[0]) + "', CURRENT_TIMESTAMP)");
            }
        }
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD,
                        "patchbay.asapp.sip-uri-template", "sip:{id}@gw.example:5060")))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
        client = DbClient.create(config.get("patchbay.db"));
        Clock clock = new dev.patchbay.control.testing.SteerableClock(NOW);
        transfers = new TransferStore(client, clock);
        CallStore calls = new CallStore(client, clock);
        ApiKeyAuth auth = new ApiKeyAuth(new Tenants(client));
        returns = new AsappReturns(transfers, calls, new CallActions(calls, new MediaNodes(List.of()), new Tenants(client), new SecretBox(new byte[32])), new SecretBox(new byte[32]));
        CallTransfersApi api = new CallTransfersApi(transfers, calls, returns, auth,
                new AsappIntegration(client, AsappConfig.from(config)), new SecretBox(new byte[32]));
        server = WebServer.builder().host("127.0.0.1").port(0).maxPayloadSize(64 * 1024)
                .directHandlers(Problems.beforeRouting(64 * 1024, "control-plane"))
                .routing(r -> {
                    Problems.install(r, "control-plane", Logger.getLogger("test"));
                    r.addFilter(auth);
                    api.routing(r);
                })
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        client.close();
        db.close();
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> as(String workspace, String method, String path, String body) throws Exception {
        return call(method, path, body, "asapp-api-id", "key_" + workspace, "asapp-api-secret", "secret-" + workspace);
    }

    private static HttpResponse<String> create(String body) throws Exception {
        return as("ws_a", "POST", CallTransfersApi.PATH, body);
    }

    private static List<String> fields(HttpResponse<String> r) throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).path("errors").forEach(e -> out.add(e.get("field").asText()));
        return out;
    }

    private static String referBody(String id, String uri) {
        return "{\"id\":\"" + id + "\",\"externalConversationId\":\"conv-1\",\"type\":\"SIP\",\"sip\":{\"returnURI\":\""
                + uri + "\",\"returnTransferType\":\"REFER\"},\"inputContext\":{\"taskName\":\"call_routing\","
                + "\"inputVariables\":{\"accountNumber\":\"3434\",\"name\":\"John Doe\"}}}";
    }

    @Test
    void createAndGetAnswerWithTheSeedsFields() throws Exception {
        HttpResponse<String> created = create(referBody("tr-fields", URI_WITH_PARAMS));
        assertEquals(200, created.statusCode(), created.body());
        assertEquals("application/json", created.headers().firstValue("Content-Type").orElse(""));
        JsonNode t = JSON.readTree(created.body());
        assertEquals(List.of("id", "externalConversationId", "status", "type", "inputContext", "sip", "createdAt"),
                names(t));
        assertEquals("tr-fields", t.get("id").asText());
        assertEquals("conv-1", t.get("externalConversationId").asText());
        assertEquals("ACTIVE", t.get("status").asText());
        assertEquals("SIP", t.get("type").asText());
        assertEquals(JSON.readTree("{\"taskName\":\"call_routing\",\"inputVariables\":{\"accountNumber\":\"3434\","
                + "\"name\":\"John Doe\"}}"), t.get("inputContext"));
        assertEquals(URI_WITH_PARAMS, t.get("sip").get("returnURI").asText());
        assertEquals("REFER", t.get("sip").get("returnTransferType").asText());
        assertEquals("sip:tr-fields@gw.example:5060", t.get("sip").get("destinationURI").asText());
        assertEquals("2025-01-15T13:06:00Z", t.get("createdAt").asText(), "whole seconds, as the seed writes them");
        HttpResponse<String> read = as("ws_a", "GET", CallTransfersApi.PATH + "/tr-fields", null);
        assertEquals(200, read.statusCode());
        assertEquals(t, JSON.readTree(read.body()));
    }

    @Test
    void aBoundThenReturnedTransferShowsItsTimesAndOutputContext() throws Exception {
        assertEquals(200, create(referBody("tr-done", URI_WITH_PARAMS)).statusCode());
        NOW.set(T0.plusSeconds(30));
        assertTrue(Claims.claim(transfers, "tr-done", "CA-done"));
        JsonNode ongoing = JSON.readTree(as("ws_a", "GET", CallTransfersApi.PATH + "/tr-done", null).body());
        assertEquals("ONGOING", ongoing.get("status").asText());
        assertEquals("2025-01-15T13:06:30Z", ongoing.get("callReceivedAt").asText());
        assertFalse(ongoing.has("outputContext") || ongoing.has("completedAt"), ongoing.toString());
        assertFalse(Claims.claim(transfers, "tr-done", "CA-other"), "one INVITE per transfer");

        NOW.set(T0.plusSeconds(225));
        String output = "{\"transferType\":\"SYSTEM\",\"currentTaskName\":\"AccountInquiry\",\"referenceVariables\":"
                + "{\"account_balance\":\"1250.00\"},\"transferVariables\":{\"next_action\":\"schedule_callback\"}}";
        assertTrue(transfers.complete("CA-done", TransferJson.outputContext(JSON.readTree(output))));
        JsonNode done = JSON.readTree(as("ws_a", "GET", CallTransfersApi.PATH + "/tr-done", null).body());
        assertEquals("COMPLETED", done.get("status").asText());
        assertEquals("2025-01-15T13:09:45Z", done.get("completedAt").asText());
        assertEquals(JSON.readTree(output), done.get("outputContext"));
        assertFalse(transfers.endedWithoutReturn("CA-done"), "a later hang-up changes nothing");
    }

    @Test
    void aBotsReturnForACallWithNoRecordIsLoggedWithTheReason() {
        List<java.util.logging.LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(AsappReturns.class.getName());
        log.addHandler(h);
        try {
            returns.returned("CA-nobody", "{\"transferType\":\"AGENT\"}");
        } finally {
            log.removeHandler(h);
        }
        assertEquals(1, logged.size(), logged.toString());
        assertTrue(logged.get(0).getMessage().contains("call CA-nobody: the bot's return was dropped: the call has no record"),
                logged.get(0).getMessage());
    }

    @Test
    void aReturnUriOf1024CharactersIsKeptByteForByteAndOneMoreIsRefused() throws Exception {
        String head = "sip:user@sbc.example.com;x=";
        String max = head + "a".repeat(1024 - head.length());
        HttpResponse<String> ok = create(referBody("tr-1024", max));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(max, JSON.readTree(ok.body()).get("sip").get("returnURI").asText());
        HttpResponse<String> tooLong = create(referBody("tr-1025", max + "a"));
        assertEquals(422, tooLong.statusCode());
        assertEquals("application/problem+json", tooLong.headers().firstValue("Content-Type").orElse(""));
        assertEquals(List.of("sip.returnURI"), fields(tooLong));
        assertEquals(404, as("ws_a", "GET", CallTransfersApi.PATH + "/tr-1025", null).statusCode(), "nothing half-created");
    }

    @Test
    void badValuesAreNamedEveryOne() throws Exception {
        HttpResponse<String> r = create("{\"id\":\"has space\",\"type\":\"PSTN\",\"sip\":{\"returnTransferType\":\"FAX\","
                + "\"returnURI\":\"http://nope\"},\"inputContext\":{\"taskName\":\"\"}}");
        assertEquals(422, r.statusCode(), r.body());
        assertEquals(List.of("id", "externalConversationId", "type", "sip.returnTransferType", "sip.returnURI",
                "inputContext.taskName"), fields(r));
        HttpResponse<String> invite = create("{\"id\":\"tr-inv\",\"externalConversationId\":\"c\",\"type\":\"SIP\",\"sip\":"
                + "{\"returnURI\":\"sip:a@b;x=1\",\"returnTransferType\":\"INVITE\",\"returnInviteAuthentication\":"
                + "{\"username\":\"u\",\"password\":\"p\"}}}");
        assertEquals(200, invite.statusCode(), invite.body());
        assertTrue(invite.body().contains("\"returnTransferType\":\"INVITE\""), invite.body());
        assertFalse(invite.body().contains("\"p\""), "the password never comes back: " + invite.body());
        assertEquals(List.of("sip.returnURI"), fields(create("{\"id\":\"tr-inv2\",\"externalConversationId\":\"c\","
                + "\"type\":\"SIP\",\"sip\":{\"returnTransferType\":\"INVITE\"}}")), "an INVITE return needs its URI");
        HttpResponse<String> sips = create("{\"id\":\"tr-inv3\",\"externalConversationId\":\"c\",\"type\":\"SIP\","
                + "\"sip\":{\"returnURI\":\"sips:a@b\",\"returnTransferType\":\"INVITE\"}}");
        assertEquals(List.of("sip.returnURI"), fields(sips));
        assertTrue(sips.body().contains("transport=tls"), sips.body());
        HttpResponse<String> referWithoutUri = create("{\"id\":\"tr-r\",\"externalConversationId\":\"c\",\"type\":\"SIP\","
                + "\"sip\":{\"returnTransferType\":\"REFER\"}}");
        assertEquals(List.of("sip.returnURI"), fields(referWithoutUri));
        assertEquals(List.of("sip.returnTransferType"), fields(create("{\"id\":\"tr-l\",\"externalConversationId\":\"c\","
                + "\"type\":\"SIP\",\"sip\":{\"returnTransferType\":\"bye\"}}")), "enum names are exact");
    }

    @Test
    void unknownFieldsAndWrongTypesAre400NamingThePath() throws Exception {
        HttpResponse<String> r = create("{\"id\":\"tr-x\",\"externalConversationId\":\"c\",\"type\":\"SIP\",\"colour\":1,"
                + "\"sip\":{\"returnUri\":\"sip:a@b\"},\"inputContext\":{\"inputVariables\":[1],\"extra\":true}}");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals(List.of("colour", "sip.returnUri", "inputContext.extra", "inputContext.inputVariables"), fields(r));
        assertEquals(List.of("body"), fields(create("{\"id\":")));
        HttpResponse<String> big = create("{\"id\":\"tr-big\",\"externalConversationId\":\"c\",\"type\":\"SIP\","
                + "\"inputContext\":{\"inputVariables\":{\"blob\":\"" + "x".repeat(70 * 1024) + "\"}}}");
        assertEquals(413, big.statusCode());
        assertEquals(List.of("body"), fields(big));
        assertEquals(404, as("ws_a", "GET", CallTransfersApi.PATH + "/tr-big", null).statusCode());
    }

    @Test
    void theDefaultReturnIsByeAndIdsAreSingleUse() throws Exception {
        HttpResponse<String> bye = create("{\"id\":\"tr-bye\",\"externalConversationId\":\"c\",\"type\":\"SIP\"}");
        assertEquals(200, bye.statusCode(), bye.body());
        JsonNode t = JSON.readTree(bye.body());
        assertEquals("BYE", t.get("sip").get("returnTransferType").asText());
        assertFalse(t.has("inputContext") || t.get("sip").has("returnURI"), t.toString());
        HttpResponse<String> again = create("{\"id\":\"tr-bye\",\"externalConversationId\":\"c2\",\"type\":\"SIP\"}");
        assertEquals(409, again.statusCode());
        assertEquals(List.of("id"), fields(again));
        HttpResponse<String> otherTenant = as("ws_b", "POST", CallTransfersApi.PATH, "{\"id\":\"tr-bye\","
                + "\"externalConversationId\":\"c\",\"type\":\"SIP\"}");
        assertEquals(200, otherTenant.statusCode(), "ids are unique per workspace: another tenant's use is not revealed");
        assertEquals("c", JSON.readTree(as("ws_a", "GET", CallTransfersApi.PATH + "/tr-bye", null).body())
                .get("externalConversationId").asText(), "each workspace sees its own transfer of the id");
    }

    @Test
    void theAsappHeadersAreAnApiKeyIdAndItsSecretAsTheSeedSays() throws Exception {
        String path = CallTransfersApi.PATH + "/tr-auth";
        assertEquals(List.of("asapp-api-id"), fields(call("GET", path, null)));
        assertEquals(401, call("GET", path, null).statusCode());
        assertEquals(List.of("asapp-api-secret"), fields(call("GET", path, null, "asapp-api-id", "key_ws_a")));
        assertEquals(401, call("GET", path, null, "asapp-api-id", "key_ws_a", "asapp-api-secret", "wrong").statusCode());
        assertEquals(401, call("GET", path, null, "asapp-api-id", "key_ws_a", "asapp-api-secret", "secret-ws_b")
                .statusCode(), "another key's secret");
        assertEquals(401, call("GET", path, null, "asapp-api-id", "ws_a", "asapp-api-secret", "key_ws_a.secret-ws_a")
                .statusCode(), "the workspace id and <key id>.<secret> are not the seed's meaning");
        HttpResponse<String> unknown = call("GET", path, null, "asapp-api-id", "key_nobody", "asapp-api-secret", "secret-ws_a");
        assertEquals(401, unknown.statusCode());
        assertFalse(unknown.body().contains("secret-ws_a"), "the secret is never echoed");
        assertEquals(403, as("ws_off", "GET", path, null).statusCode());
        assertEquals(200, create("{\"id\":\"tr-auth\",\"externalConversationId\":\"c\",\"type\":\"SIP\"}").statusCode());
        assertEquals(404, as("ws_b", "GET", path, null).statusCode(), "another workspace's transfer does not exist");
        assertEquals(200, as("ws_a", "GET", path, null).statusCode());
    }

    @Test
    void aWorkspacesOwnAsappSettingsSetItsTtlAndDefaultReturn() throws Exception {
        NOW.set(T0);
        sql("INSERT INTO asapp_integrations (workspace_id, transfer_ttl_seconds, return_transfer_type, updated_at)"
                + " VALUES ('ws_b', 120, 'REFER', CURRENT_TIMESTAMP)");
        try {
            HttpResponse<String> r = as("ws_b", "POST", CallTransfersApi.PATH, "{\"id\":\"tr-own\",\"externalConversationId\":"
                    + "\"c\",\"type\":\"SIP\",\"sip\":{\"returnURI\":\"sip:agent@cc.example\"}}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("REFER", JSON.readTree(r.body()).get("sip").get("returnTransferType").asText(),
                    "the workspace's default return, not the gateway's BYE");
            NOW.set(T0.plusSeconds(120));
            assertEquals("EXPIRED", JSON.readTree(as("ws_b", "GET", CallTransfersApi.PATH + "/tr-own", null).body())
                    .get("status").asText(), "the workspace's 120 s, not the gateway's 10 minutes");
        } finally {
            sql("DELETE FROM asapp_integrations WHERE workspace_id = 'ws_b'");
            NOW.set(T0);
        }
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void anActiveTransferExpiresAfterItsTtl() throws Exception {
        NOW.set(T0);
        assertEquals(200, create("{\"id\":\"tr-ttl\",\"externalConversationId\":\"c\",\"type\":\"SIP\"}").statusCode());
        NOW.set(T0.plus(Duration.ofMinutes(10)).minusMillis(1));
        assertEquals("ACTIVE", JSON.readTree(as("ws_a", "GET", CallTransfersApi.PATH + "/tr-ttl", null).body())
                .get("status").asText());
        NOW.set(T0.plus(Duration.ofMinutes(10)));
        assertEquals("EXPIRED", JSON.readTree(as("ws_a", "GET", CallTransfersApi.PATH + "/tr-ttl", null).body())
                .get("status").asText());
        assertEquals(CallTransfer.Status.EXPIRED, transfers.find("ws_a", "tr-ttl").orElseThrow().status(), "stored too");
        assertFalse(Claims.claim(transfers, "tr-ttl", "CA-late"), "an expired transfer cannot be claimed");
        NOW.set(T0);
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Claims as the call flow does, in a transaction of its own. */
    private static final class Claims {
        static boolean claim(TransferStore store, String id, String callId) {
            return dev.patchbay.schema.Db.inTransaction(client, tx -> store.claim("ws_a", id).claim(tx, callId, store.now()));
        }
    }
}
