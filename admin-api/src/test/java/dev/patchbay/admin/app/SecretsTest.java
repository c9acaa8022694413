package dev.patchbay.admin.app;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.PostgresSchema;
import dev.patchbay.admin.testing.TestApi;
import dev.patchbay.schema.SecretBox;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credentials at rest: key rotation with re-encryption, and no secret in any answer or log line. */
class SecretsTest {

    private static final byte[] OLD = "patchbay-old-secrets-key-0000000".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEW = "patchbay-new-secrets-key-1111111".getBytes(StandardCharsets.US_ASCII);

    @Test
    void oldCiphertextsOpenAfterAKeyChangeAndRotationMovesEveryOneToTheNewKey() throws Exception {
        try (PostgresSchema db = PostgresSchema.create()) {
            String ws;
            try (AdminApi first = AdminApi.start(TestApi.config(db, Map.of("patchbay.secrets.key", b64(OLD))))) {
                ApiClient c = new ApiClient(first.port(), TestApi.KEY);
                ws = "/v1/workspaces/" + c.post("/v1/workspaces", "{\"name\":\"S\"}").json().path("id").asText();
                assertEquals(201, c.post(ws + "/trunks", "{\"name\":\"t\",\"host\":\"sip.example.com\",\"username\":\"u\","
                        + "\"password\":\"trunk-pw\"}").status());
                assertEquals(200, c.put(ws + "/integrations/ameyo", "{\"allowed_sources\":[\"203.0.113.1\"],"
                        + "\"notification_url\":\"https://ameyo.example/n\",\"authorization\":\"ameyo-tok\"}").status());
            }
            String oldId = new SecretBox(OLD).currentKeyId();
            assertEquals(2, db.count("SELECT (SELECT COUNT(*) FROM trunks WHERE password_enc LIKE 'v2:" + oldId + ":%')"
                    + " + (SELECT COUNT(*) FROM ameyo_integrations WHERE authorization_enc LIKE 'v2:" + oldId + ":%')"));

            Map<String, String> rotated = Map.of("patchbay.secrets.key", b64(NEW), "patchbay.secrets.previous", b64(OLD));
            try (AdminApi second = AdminApi.start(TestApi.config(db, rotated))) {
                ApiClient c = new ApiClient(second.port(), TestApi.KEY);
                // Still readable before the re-encryption: the PUT without authorization keeps the old sealed token.
                Reply ameyo = c.get(ws + "/integrations/ameyo");
                assertEquals(200, c.put(ws + "/integrations/ameyo", "{\"allowed_sources\":[\"203.0.113.2\"],"
                        + "\"notification_url\":\"https://ameyo.example/n\"}", ameyo.etag()).status());

                Reply r = c.post("/v1/secrets/rotate", "");
                assertEquals(200, r.status(), r.toString());
                assertEquals(2, r.json().path("re_encrypted").asInt());
                assertEquals(new SecretBox(NEW).currentKeyId(), r.json().path("key_id").asText());
                assertEquals(0, c.post("/v1/secrets/rotate", "").json().path("re_encrypted").asInt(), "nothing left to move");
                assertTrue(c.get("/v1/audit-log?limit=200").body().contains("\"resource_type\":\"secret_key\""));
            }
            assertEquals(0, db.count("SELECT (SELECT COUNT(*) FROM trunks WHERE password_enc LIKE 'v2:" + oldId + ":%')"
                    + " + (SELECT COUNT(*) FROM ameyo_integrations WHERE authorization_enc LIKE 'v2:" + oldId + ":%')"));
            SecretBox newOnly = new SecretBox(NEW);
            assertEquals("trunk-pw", newOnly.open(db.text("SELECT password_enc FROM trunks")));
            assertEquals("ameyo-tok", newOnly.open(db.text("SELECT authorization_enc FROM ameyo_integrations")));
        }
    }

    @Test
    void aSecretNoConfiguredKeyOpensStopsTheRotationBeforeAnyChange() {
        try (TestApi api = TestApi.start()) {
            String ws = "/v1/workspaces/" + api.client().post("/v1/workspaces", "{\"name\":\"S\"}").json().path("id").asText();
            api.client().post(ws + "/trunks", "{\"name\":\"a\",\"host\":\"sip.example.com\",\"username\":\"u\",\"password\":\"p\"}");
            String foreign = new SecretBox(OLD).seal("x");
            api.client().post(ws + "/trunks", "{\"name\":\"b\",\"host\":\"sip.example.com\",\"username\":\"u\",\"password\":\"q\"}");
            var before = api.db().snapshot();
            // Simulates a row sealed under a key that was dropped from config too early.
            try (var c = java.sql.DriverManager.getConnection(api.db().url(), PostgresSchema.USER, "");
                 var s = c.createStatement()) {
                s.execute("UPDATE trunks SET password_enc = '" + foreign + "' WHERE name = 'b'");
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
            var tampered = api.db().snapshot();
            Reply r = api.client().post("/v1/secrets/rotate", "");
            assertEquals(409, r.status(), r.toString());
            assertEquals(List.of("patchbay.secrets.previous"), r.errorFields());
            assertEquals(tampered, api.db().snapshot());
            assertFalse(before.equals(tampered));
        }
    }

    @Test
    void noSecretReachesAnAnswerOrALogLine() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                logged.add(format.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        // At the level the process runs at. Helidon's own FINE socket tracing prints raw request headers,
        // Authorization included, so it must never be switched on in production (admin-api/README.md says so).
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        List<String> answers = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        try (TestApi api = TestApi.start()) {
            ApiClient c = api.client();
            String ws = "/v1/workspaces/" + c.post("/v1/workspaces", "{\"name\":\"S\"}").json().path("id").asText();
            // Generated secrets: shown once, in the answer that creates them, and nowhere else.
            for (String path : List.of(ws + "/api-keys", ws + "/admin-keys")) {
                Reply key = c.post(path, "{\"name\":\"k\"}");
                secrets.add(secretOf(key.json().path("key").asText()));
                Reply rotated = c.post(path + "/" + key.json().path("id").asText() + "/rotate", "");
                secrets.add(secretOf(rotated.json().path("key").asText()));
            }
            secrets.add(c.post(ws + "/webhook-secret", "").json().path("webhook_secret").asText());
            // Chosen secrets: never shown at all.
            secrets.addAll(List.of("trunk-pw-SECRET-1", "ameyo-token-SECRET-2", "bad-host-pw-SECRET-3"));
            answers.add(c.post(ws + "/trunks", "{\"name\":\"t\",\"host\":\"sip.example.com\",\"username\":\"u\","
                    + "\"password\":\"trunk-pw-SECRET-1\"}").body());
            answers.add(c.put(ws + "/integrations/ameyo", "{\"allowed_sources\":[\"203.0.113.1\"],"
                    + "\"notification_url\":\"https://ameyo.example/n\",\"authorization\":\"ameyo-token-SECRET-2\"}").body());
            answers.add(c.post(ws + "/trunks", "{\"name\":\"t\",\"host\":\"bad host\",\"username\":\"u\","
                    + "\"password\":\"bad-host-pw-SECRET-3\"}").body());
            answers.add(c.withKey("akey_x." + secrets.get(2)).get(ws).body());
            for (String read : List.of(ws, ws + "/api-keys", ws + "/admin-keys", ws + "/trunks", ws + "/integrations/ameyo",
                    ws + "/audit-log?limit=200", "/v1/audit-log?limit=200")) {
                Reply r = c.get(read);
                assertEquals(200, r.status(), read + " -> " + r);
                answers.add(r.body());
            }
            answers.add(c.post("/v1/secrets/rotate", "").body());
        } finally {
            root.removeHandler(capture);
        }
        assertTrue(logged.stream().anyMatch(l -> l.contains("admin-api ready")), "the capture sees the server's log");
        for (String generated : secrets.subList(0, 5)) {
            assertEquals(43, generated.replace("whsec_", "").length(), "a real secret, not an empty string: " + generated);
        }
        for (String secret : secrets) {
            for (String answer : answers) {
                assertFalse(answer.contains(secret), "an answer holds a secret: " + answer);
            }
            for (String line : logged) {
                assertFalse(line.contains(secret), "a log line holds a secret: " + line);
            }
        }
    }

    private static String secretOf(String token) {
        return token.substring(token.indexOf('.') + 1);
    }

    private static String b64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }
}
