package dev.patchbay.admin.testing;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One workspace with one of everything, created through the API as the operator: the fixture
 * the isolation test aims at and controls with.
 *
 * @param adminKey      the admin key's token ({@code id.secret}), to call the API as this workspace
 * @param outboundTrunk an outbound trunk with a registration, the {@code {trunk}} of {@code .../registration}
 */
public record Tenant(String ws, String bot, String bot2, String did, String apiKey, String adminKeyId, String adminKey,
                     String trunk, String outboundTrunk, String webhook, String session, String call) {

    public static final String AMEYO = "{\"allowed_sources\":[\"203.0.113.0/28\"],"
            + "\"notification_url\":\"https://ameyo.example/notify\",\"authorization\":\"ameyo-token-SECRET\","
            + "\"host\":\"tenant.ameyo.example\",\"bye_timeout_seconds\":45}";

    /** Creates the workspace and its resources; {@code number} must be a valid, unused E.164 number. */
    public static Tenant create(ApiClient operator, PostgresSchema db, String name, String number) {
        String ws = id(operator.post("/v1/workspaces", "{\"name\":\"" + name + "\"}"));
        String base = "/v1/workspaces/" + ws;
        String bot = id(operator.post(base + "/bots", "{\"name\":\"a\",\"kind\":\"echo\"}"));
        String bot2 = id(operator.post(base + "/bots", "{\"name\":\"b\",\"kind\":\"echo\"}"));
        String did = id(operator.post(base + "/dids", "{\"number\":\"" + number + "\",\"bot_id\":\"" + bot + "\"}"));
        String apiKey = id(operator.post(base + "/api-keys", "{\"name\":\"crm\"}"));
        ApiClient.Reply admin = operator.post(base + "/admin-keys", "{\"name\":\"ops\"}");
        String adminKeyId = id(admin);
        String trunk = id(operator.post(base + "/trunks",
                "{\"name\":\"t\",\"direction\":\"inbound\",\"allowed_cidrs\":[\"192.0.2.0/24\"],\"username\":\"u\","
                        + "\"password\":\"trunk-pw-SECRET\"}"));
        String outbound = id(operator.post(base + "/trunks", "{\"name\":\"carrier\",\"host\":\"198.51.100.7\"}"));
        assertEquals(201, operator.put(base + "/trunks/" + outbound + "/registration", "{\"registrar\":\"sip:198.51.100.7\","
                + "\"username\":\"u\",\"password\":\"registrar-pw-SECRET\"}").status());
        assertEquals(200, operator.put(base + "/integrations/ameyo", AMEYO).status());
        assertEquals(200, operator.put(base + "/integrations/ringcx", "{}").status());
        assertEquals(200, operator.put(base + "/integrations/asapp", "{\"bot_id\":\"" + bot + "\"}").status());
        String webhook = id(operator.post(base + "/webhooks",
                "{\"url\":\"https://hooks.example/" + name + "\",\"events\":[\"call.completed\"],\"secret\":\"webhook-secret-SECRET-" + name + "\"}"));
        // Agent sessions are the control-plane's (seed 003); the admin-api only credits them.
        String session = "sess_" + name + "_" + ws.substring(3);
        db.execute("INSERT INTO agent_sessions (id, workspace_id, agent_id, session_type, token_sha256, privacy_mode,"
                + " currency, calls_per_hour, max_call_duration, created_at, expires_at) VALUES ('" + session + "', '" + ws
                + "', 'agent', 'guest', '" + session + "', TRUE, 'USD', 20, 3600, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        // Calls are the control-plane's too; the admin-api only reads them.
        String call = Calls.insert(db, ws, bot, "ended", "+15550100", number);
        return new Tenant(ws, bot, bot2, did, apiKey, adminKeyId, admin.json().path("key").asText(), trunk, outbound, webhook,
                session, call);
    }

    /** The value of each path parameter and body placeholder, for a route of {@code path}. */
    public Map<String, String> params(String path) {
        return Map.of("ws", ws, "bot", bot, "bot2", bot2, "did", did,
                "trunk", path.endsWith("/registration") ? outboundTrunk : trunk, "webhook", webhook,
                "key", path.contains("/admin-keys/") ? adminKeyId : apiKey, "session", session, "call", call);
    }

    private static String id(ApiClient.Reply r) {
        assertEquals(true, r.status() == 201, r.toString());
        return r.json().path("id").asText();
    }
}
