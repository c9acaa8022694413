package dev.patchbay.agents;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static dev.patchbay.agents.AgentsRig.KEY_B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seed 003 §9 voice synthesis with the real espeak-ng, over real HTTP and PostgreSQL. */
class VoiceSynthesisApiTest {

    private static AgentsRig rig;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    @Test
    void speechIsAPcmWavServedAtItsAudioUrl() throws Exception {
        AgentsRig.Answer a = synthesize("{\"text\":\"Thank you for calling\",\"voice\":\"en-US-Neural2-A\",\"speed\":1.0,"
                + "\"pitch\":0,\"output_format\":\"wav\"}", KEY_A);
        assertEquals(201, a.status(), a.body().toString());
        JsonNode out = a.body();
        String id = out.get("audio_id").asText();
        assertTrue(id.startsWith("audio_"), id);
        String url = "http://127.0.0.1:" + rig.server.port() + "/api/v1/audio/" + id + ".wav";
        assertEquals(url, out.get("audio_url").asText());
        assertEquals("wav", out.get("format").asText());
        assertEquals(rig.now.get().plus(Duration.ofHours(6)).toString(), out.get("expires_at").asText());
        assertEquals(5, out.size(), "exactly the seed's fields");

        HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY_A)
                .header("X-Agent-ID", "another-agent").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, got.statusCode());
        assertEquals("audio/wav", got.headers().firstValue("Content-Type").orElse(""));
        byte[] wav = got.body();
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
        assertEquals("WAVE", new String(wav, 8, 4, StandardCharsets.US_ASCII));
        assertEquals("fmt ", new String(wav, 12, 4, StandardCharsets.US_ASCII));
        assertEquals(1, b.getShort(20), "PCM");
        assertEquals(1, b.getShort(22), "mono");
        int rate = b.getInt(24);
        assertEquals(16, b.getShort(34), "16-bit");
        assertEquals("data", new String(wav, 36, 4, StandardCharsets.US_ASCII));
        double seconds = (double) b.getInt(40) / (rate * 2);
        assertEquals(wav.length - 44, b.getInt(40));
        assertTrue(seconds > 0.5, "duration " + seconds);
        assertEquals(Math.round(seconds * 100) / 100.0, out.get("duration").asDouble(), 1e-9);
        assertArrayEquals(stored(id), wav, "the bytes served are the ones stored");
        // The seed's voice maps to espeak's en-us at 175 wpm and pitch 50: the same as running it by hand.
        assertArrayEquals(espeakByHand("Thank you for calling", "en-us", 175, 50), wav);

        // Another workspace does not see the clip; after its TTL nobody does.
        assertEquals(404, rig.call("GET", "/api/v1/audio/" + id, KEY_B, "agent-1", null).status());
        Instant was = rig.now.get();
        rig.now.set(was.plus(Duration.ofHours(7)));
        try {
            assertEquals(404, rig.call("GET", "/api/v1/audio/" + id, KEY_A, "agent-1", null).status());
        } finally {
            rig.now.set(was);
        }
    }

    @Test
    void speedAndPitchChangeTheRendering() throws Exception {
        double normal = synthesize("{\"text\":\"Please hold while we connect you\"}", KEY_A).body().get("duration").asDouble();
        double fast = synthesize("{\"text\":\"Please hold while we connect you\",\"speed\":2.0}", KEY_A).body()
                .get("duration").asDouble();
        assertTrue(fast < normal * 0.75, "speed 2.0 took " + fast + " s, speed 1.0 " + normal + " s");
        JsonNode high = synthesize("{\"text\":\"Hello\",\"pitch\":20,\"voice\":\"fr-FR-Neural2-A\"}", KEY_A).body();
        String id = high.get("audio_id").asText();
        // fr-FR has no espeak voice of its own; French does. Pitch 20 is espeak's 99 (clamped from 100).
        assertArrayEquals(espeakByHand("Hello", "fr", 175, 99), stored(id));
    }

    @Test
    void onlyWavIsProducedAndBadFieldsAreNamed() throws Exception {
        long before = rig.count("SELECT COUNT(*) FROM agent_audio");
        AgentsRig.Answer mp3 = synthesize("{\"text\":\"Thank you for calling\",\"output_format\":\"mp3\"}", KEY_A);
        assertEquals(422, mp3.status());
        assertEquals("application/problem+json", mp3.headers().firstValue("Content-Type").orElse(""));
        assertEquals("output_format", mp3.body().get("errors").get(0).get("field").asText());
        assertTrue(mp3.body().get("errors").get(0).get("detail").asText().contains("only wav"));
        AgentsRig.Answer bad = synthesize("{\"text\":\"" + "a".repeat(5001) + "\",\"speed\":9,\"pitch\":-21}", KEY_A);
        assertEquals(422, bad.status());
        assertEquals(3, bad.body().get("errors").size(), bad.body().toString());
        assertEquals("text", bad.body().get("errors").get(0).get("field").asText());
        assertEquals("speed", bad.body().get("errors").get(1).get("field").asText());
        assertEquals("pitch", bad.body().get("errors").get(2).get("field").asText());
        assertEquals(before, rig.count("SELECT COUNT(*) FROM agent_audio"), "nothing rendered or stored");
    }

    @Test
    void playingIntoALiveCallWaitsForThePlayRpc() throws Exception {
        JsonNode s = rig.session("agent-1");
        rig.sql("INSERT INTO calls (id, workspace_id, direction, status, media_node, created_at) VALUES ('CAvoice', 'ws_a',"
                + " 'outbound', 'in-progress', 'n1', CURRENT_TIMESTAMP)");
        rig.sql("INSERT INTO agent_calls (call_id, session_id, agent_id, privacy_mode, max_duration, record_call, transcribe,"
                + " rate_micros, currency, created_at) VALUES ('CAvoice', '" + s.get("session_id").asText()
                + "', 'agent-1', TRUE, 600, FALSE, FALSE, 125000, 'USD', CURRENT_TIMESTAMP)");
        AgentsRig.Answer live = synthesize("{\"text\":\"Hello\",\"call_id\":\"CAvoice\"}", KEY_A);
        assertEquals(501, live.status());
        assertEquals("call_id", live.body().get("errors").get(0).get("field").asText());
        assertTrue(live.body().get("detail").asText().contains("Play RPC"));
        assertEquals(404, synthesize("{\"text\":\"Hello\",\"call_id\":\"CAvoice\"}", KEY_B).status());
    }

    private static AgentsRig.Answer synthesize(String body, String key) throws Exception {
        return rig.call("POST", "/api/v1/agents/voice-synthesis", key, "agent-1", body);
    }

    private static byte[] stored(String id) throws Exception {
        try (Connection c = DriverManager.getConnection(rig.db.url(), TestDb.USER, TestDb.PASSWORD);
             Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT wav FROM agent_audio WHERE id = '" + id + "'")) {
            assertTrue(r.next(), "stored " + id);
            return r.getBytes(1);
        }
    }

    private static byte[] espeakByHand(String text, String voice, int wpm, int pitch) throws Exception {
        Path out = Files.createTempFile("espeak-test-", ".wav");
        try {
            Process p = new ProcessBuilder("espeak-ng", "-v", voice, "-s", Integer.toString(wpm), "-p", Integer.toString(pitch),
                    "-w", out.toString(), text).inheritIO().start();
            assertEquals(0, p.waitFor());
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
