package dev.patchbay.agents;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.patchbay.agents.AgentsRig.JSON;
import static dev.patchbay.agents.AgentsRig.KEY_A;
import static dev.patchbay.agents.AgentsRig.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seed 003 §7 over real HTTP, a real WebSocket client and PostgreSQL: segments in, transcript and live stream out. */
@ExtendWith(AgentsRigFixture.class)
class TranscriptsApiTest {

    private static final String SEG_1 = "{\"speaker\":\"caller\",\"text\":\"Hello, is this customer service?\","
            + "\"timestamp\":2.5,\"confidence\":0.98,\"language\":\"en-US\"}";
    private static final String SEG_2 = "{\"speaker\":\"recipient\",\"text\":\"Yes, how can I help you today?\","
            + "\"timestamp\":5.2,\"confidence\":0.95}";

    @Test
    void postedSegmentsStreamLiveInOrderAndFormTheTranscript(AgentsRig rig) throws Exception {
        JsonNode session = rig.session("agent-1");
        String callId = call(rig, session, "CAtr1");
        AgentsRig.Answer on = rig.call("POST", "/api/v1/calls/" + callId + "/transcribe", KEY_A, "agent-1",
                "{\"language\":\"en-US\",\"webhook_url\":\"https://agent.example.com/webhooks/transcription\","
                        + "\"interim_results\":true,\"speaker_labels\":true}");
        assertEquals(200, on.status(), on.body().toString());
        assertEquals(callId, on.body().get("call_id").asText());
        assertTrue(on.body().get("transcription_enabled").asBoolean());
        String transcriptionId = on.body().get("transcription_id").asText();
        assertTrue(transcriptionId.startsWith("trans_"), transcriptionId);
        String ws = on.body().get("websocket_url").asText();
        assertTrue(ws.startsWith("ws://127.0.0.1:" + rig.server.port() + "/api/v1/transcripts/" + callId + "/stream?token="), ws);
        assertEquals(4, on.body().size(), "exactly the seed's fields");
        assertEquals(1, rig.count("SELECT COUNT(*) FROM agent_calls WHERE call_id = '" + callId
                + "' AND transcribe = TRUE AND language = 'en-US'"));

        // Two subscribers: every segment goes to both.
        Client first = Client.connect(ws);
        Client second = Client.connect(ws);
        JsonNode ready = first.next();
        assertEquals("ready", ready.get("type").asText());
        assertEquals(transcriptionId, ready.get("transcription_id").asText());
        second.next();

        // The bot posts as another agent of the workspace.
        AgentsRig.Answer posted = rig.call("POST", "/api/v1/transcripts/" + callId + "/segments", KEY_A, "stt-bot",
                "{\"segments\":[" + SEG_1 + "," + SEG_2 + "]}");
        assertEquals(201, posted.status(), posted.body().toString());
        assertEquals(2, posted.body().get("accepted").asInt());
        for (Client c : new Client[] {first, second}) {
            assertEquals(JSON.readTree("{\"type\":\"segment\",\"call_id\":\"" + callId + "\",\"speaker\":\"caller\","
                    + "\"text\":\"Hello, is this customer service?\",\"timestamp\":2.5,\"confidence\":0.98,"
                    + "\"language\":\"en-US\"}"), c.next());
            assertEquals(JSON.readTree("{\"type\":\"segment\",\"call_id\":\"" + callId + "\",\"speaker\":\"recipient\","
                    + "\"text\":\"Yes, how can I help you today?\",\"timestamp\":5.2,\"confidence\":0.95}"), c.next());
        }
        first.close();

        AgentsRig.Answer got = rig.call("GET", "/api/v1/transcripts/" + callId, KEY_A, "agent-1", null);
        assertEquals(200, got.status());
        String download = "http://127.0.0.1:" + rig.server.port() + "/api/v1/transcripts/" + callId + "?format=json";
        assertEquals(JSON.readTree("{\"call_id\":\"" + callId + "\",\"transcript\":["
                + "{\"speaker\":\"caller\",\"text\":\"Hello, is this customer service?\",\"timestamp\":2.5,\"confidence\":0.98},"
                + "{\"speaker\":\"recipient\",\"text\":\"Yes, how can I help you today?\",\"timestamp\":5.2,\"confidence\":0.95}],"
                + "\"language\":\"en-US\",\"duration\":245,\"download_url\":\"" + download + "\"}"), got.body());
        AgentsRig.Answer downloaded = rig.call("GET", download.substring(download.indexOf("/api")), KEY_A, "agent-1", null);
        assertEquals(got.body(), downloaded.body());
        assertEquals(422, rig.call("GET", "/api/v1/transcripts/" + callId + "?format=xml", KEY_A, "agent-1", null).status());

        // The call's own session token may post too; the second subscriber still hears it.
        AgentsRig.Answer viaToken = rig.call("POST", "/api/v1/transcripts/" + callId + "/segments",
                session.get("session_token").asText(), null, "{\"segments\":[{\"speaker\":\"caller\",\"text\":\"Thanks\","
                        + "\"timestamp\":9,\"confidence\":1}]}");
        assertEquals(201, viaToken.status(), viaToken.body().toString());
        assertEquals("Thanks", second.next().get("text").asText());
        second.close();
    }

    @Test
    void otherWorkspacesSeeNoCallAndBadSegmentsAreRefusedWhole(AgentsRig rig) throws Exception {
        JsonNode session = rig.session("agent-1");
        String callId = call(rig, session, "CAtr2");
        String path = "/api/v1/transcripts/" + callId;
        AgentsRig.Answer foreign = rig.call("POST", path + "/segments", KEY_B, "stt-bot", "{\"segments\":[" + SEG_1 + "]}");
        assertEquals(404, foreign.status());
        assertEquals("call_id", foreign.body().get("errors").get(0).get("field").asText());
        assertEquals(404, rig.call("GET", path, KEY_B, "agent-1", null).status());
        assertEquals(404, rig.call("POST", "/api/v1/calls/" + callId + "/transcribe", KEY_B, "agent-1", "{}").status());
        assertEquals(404, rig.call("POST", "/api/v1/transcripts/CAnone/segments", KEY_A, "stt-bot",
                "{\"segments\":[" + SEG_1 + "]}").status());
        // Reading is the owning agent's: another agent of the workspace is 403, as for sessions.
        assertEquals(403, rig.call("GET", path, KEY_A, "agent-2", null).status());

        AgentsRig.Answer bad = rig.call("POST", path + "/segments", KEY_A, "stt-bot", "{\"segments\":[" + SEG_1
                + ",{\"speaker\":\"caller\",\"text\":\"hm\",\"timestamp\":3,\"confidence\":1.5}]}");
        assertEquals(422, bad.status());
        assertEquals("application/problem+json", bad.headers().firstValue("Content-Type").orElse(""));
        assertEquals(1, bad.body().get("errors").size());
        assertEquals("segments[1].confidence", bad.body().get("errors").get(0).get("field").asText());
        assertEquals(0, rig.count("SELECT COUNT(*) FROM transcript_segments WHERE call_id = '" + callId + "'"),
                "a batch with one bad segment stores none");
        AgentsRig.Answer unknown = rig.call("POST", path + "/segments", KEY_A, "stt-bot",
                "{\"segments\":[{\"speaker\":\"a\",\"text\":\"b\",\"timestamp\":-1,\"confidence\":0.5,\"mood\":\"x\"}]}");
        assertEquals(422, unknown.status());
        assertEquals(2, unknown.body().get("errors").size(), unknown.body().toString());
        AgentsRig.Answer badTranscribe = rig.call("POST", "/api/v1/calls/" + callId + "/transcribe", KEY_A, "agent-1",
                "{\"language\":\"english please\",\"webhook_url\":\"ftp://x\"}");
        assertEquals(422, badTranscribe.status());
        assertEquals("language", badTranscribe.body().get("errors").get(0).get("field").asText());
        assertEquals("webhook_url", badTranscribe.body().get("errors").get(1).get("field").asText());
    }

    @Test
    void theStreamNeedsAValidUnexpiredTokenForThatCall(AgentsRig rig) throws Exception {
        JsonNode session = rig.session("agent-1");
        String callId = call(rig, session, "CAtr3");
        String other = call(rig, session, "CAtr4");
        String ws = rig.call("POST", "/api/v1/calls/" + callId + "/transcribe", KEY_A, "agent-1", "{}").body()
                .get("websocket_url").asText();
        String base = ws.substring(0, ws.indexOf("?"));
        assertEquals(401, handshakeStatus(base));
        assertEquals(401, handshakeStatus(base + "?token=" + ws.substring(ws.indexOf("token=") + 6, ws.length() - 2) + "xx"));
        assertEquals(401, handshakeStatus(ws.replace(callId, other)), "a token is for one call");
        Instant was = rig.now.get();
        rig.now.set(was.plus(Duration.ofMinutes(11)));
        try {
            assertEquals(401, handshakeStatus(ws), "tokens live 10 minutes");
        } finally {
            rig.now.set(was);
        }
        Client ok = Client.connect(ws);
        assertEquals("ready", ok.next().get("type").asText());
        ok.close();
        // Ending the session clears the transcription settings and retires its stream tokens.
        assertEquals(200, rig.call("DELETE", "/api/v1/sessions/" + session.get("session_id").asText(), KEY_A, "agent-1", null)
                .status());
        assertEquals(0, rig.count("SELECT COUNT(*) FROM agent_transcriptions WHERE call_id = '" + callId + "'"));
        assertEquals(401, handshakeStatus(ws));
    }

    /** An answered (245 s ago at the rig's clock) call of the session, linked as the agents' calls API would. */
    private static String call(AgentsRig rig, JsonNode session, String id) throws Exception {
        Instant answered = rig.now.get().minusSeconds(245);
        rig.sql("INSERT INTO calls (id, workspace_id, direction, status, media_node, created_at, answered_at) VALUES ('"
                + id + "', 'ws_a', 'outbound', 'in-progress', 'n1', TIMESTAMP WITH TIME ZONE '" + answered
                + "', TIMESTAMP WITH TIME ZONE '" + answered + "')");
        rig.sql("INSERT INTO agent_calls (call_id, session_id, agent_id, privacy_mode, max_duration, record_call, transcribe,"
                + " rate_micros, currency, created_at) VALUES ('" + id + "', '" + session.get("session_id").asText()
                + "', 'agent-1', TRUE, 600, FALSE, FALSE, 125000, 'USD', CURRENT_TIMESTAMP)");
        return id;
    }

    private static int handshakeStatus(String url) {
        CompletionException e = assertThrows(CompletionException.class, () -> HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(url), new WebSocket.Listener() { }).join());
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
    }

    /** A real java.net.http WebSocket that queues every text message it receives. */
    private static final class Client implements WebSocket.Listener {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Client connect(String url) {
            Client c = new Client();
            c.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), c).join();
            return c;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        JsonNode next() throws Exception {
            String m = messages.poll(5, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message on the transcript stream within 5 s");
            }
            return JSON.readTree(m);
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }
}
