package dev.patchbay.agents;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.agents.transcripts.TranscriptStore;
import dev.patchbay.agents.transcripts.asr.AsrTranscripts;
import dev.patchbay.agents.transcripts.asr.FakeAsr;
import dev.patchbay.agents.transcripts.asr.RecordingTranscriber;
import dev.patchbay.agents.transcripts.asr.WebSocketAsr;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.proto.media.v1.RtpStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A recorded agents' call with transcription enabled is transcribed by the configured recogniser when
 * it ends, and the results are the call's transcript as bot-posted segments would be (PostgreSQL, the
 * real agents' API over HTTP, the recogniser a local fake on a real WebSocket: the one stand-in allowed).
 * The recording's bytes come from a supplier here; reading them from a media node is
 * {@code RecordingDownloadE2eTest}'s.
 */
@ExtendWith(AgentsRigFixture.class)
class AsrTranscriptsTest {

    @Test
    void anEndedRecordedCallWithTranscriptionOnGetsTheRecognisersFinalsAsItsTranscript(AgentsRig rig) throws Exception {
        JsonNode session = rig.session("agent-1");
        String on = call(rig, session, "CAasr1", true);
        String unrecorded = call(rig, session, "CAasr2", false);
        String notAsked = call(rig, session, "CAasr3", true);
        for (String id : new String[] {on, unrecorded}) {
            assertEquals(200, rig.call("POST", "/api/v1/calls/" + id + "/transcribe", KEY_A, "agent-1",
                    "{\"language\":\"en-US\"}").status());
        }
        end(rig, on, true);
        end(rig, unrecorded, false);
        end(rig, notAsked, true);
        byte[] wav = FakeAsr.wav(8000, 1.5);
        AtomicInteger opened = new AtomicInteger();
        try (FakeAsr asr = new FakeAsr()) {
            AsrTranscripts transcripts = new AsrTranscripts(new RecordingTranscriber(
                    new WebSocketAsr(URI.create(asr.url()), "k", Duration.ofSeconds(10)), Duration.ofSeconds(10)),
                    c -> {
                        opened.incrementAndGet();
                        return new ByteArrayInputStream(wav);
                    }, new TranscriptStore(rig.client, Clock.systemUTC()), rig.api.transcripts(), Runnable::run);

            for (String id : new String[] {on, unrecorded, notAsked}) {
                transcripts.ended(record(rig, id, !id.equals(unrecorded)), RtpStats.getDefaultInstance());
            }
        }

        assertEquals(1, opened.get(), "only the recorded call whose transcription was enabled is sent");
        JsonNode t = rig.call("GET", "/api/v1/transcripts/" + on, KEY_A, "agent-1", null).body();
        JsonNode entries = t.get("transcript");
        assertEquals(2, entries.size(), t.toString());
        assertEquals("caller", entries.get(0).get("speaker").asText());
        assertEquals("channel 0 heard " + (wav.length - 44) + " bytes", entries.get(0).get("text").asText());
        assertEquals("recipient", entries.get(1).get("speaker").asText());
        assertEquals(0.91, entries.get(1).get("confidence").asDouble(), 1e-9);
        assertEquals(0, rig.call("GET", "/api/v1/transcripts/" + unrecorded, KEY_A, "agent-1", null).body()
                .get("transcript").size());
    }

    /** The call ends as the call flow records it: completed, with the recording's path when it was recorded. */
    private static void end(AgentsRig rig, String id, boolean recorded) throws Exception {
        rig.sql("UPDATE calls SET status = 'completed', ended_at = TIMESTAMP WITH TIME ZONE '" + rig.now.get()
                + "', recording_url = " + (recorded ? "'/rec/" + id + ".wav'" : "NULL") + " WHERE id = '" + id + "'");
    }

    private static CallRecord record(AgentsRig rig, String id, boolean recorded) {
        Instant t = rig.now.get();
        return new CallRecord(id, "ws_a", null, CallRecord.Direction.OUTBOUND, CallStatus.COMPLETED, "+1", "+2", null, "n1",
                null, CallRecord.Stream.NONE, null, "caller_bye", 200, null, recorded ? "/rec/" + id + ".wav" : null,
                t.minusSeconds(60), t.minusSeconds(50), t);
    }

    private static String call(AgentsRig rig, JsonNode session, String id, boolean recorded) throws Exception {
        Instant answered = rig.now.get().minusSeconds(60);
        rig.sql("INSERT INTO calls (id, workspace_id, direction, status, media_node, created_at, answered_at)"
                + " VALUES ('" + id + "', 'ws_a', 'outbound', 'in-progress', 'n1', TIMESTAMP WITH TIME ZONE '"
                + answered + "', TIMESTAMP WITH TIME ZONE '" + answered + "')");
        rig.sql("INSERT INTO agent_calls (call_id, session_id, agent_id, privacy_mode, max_duration, record_call, transcribe,"
                + " rate_micros, currency, created_at) VALUES ('" + id + "', '" + session.get("session_id").asText()
                + "', 'agent-1', TRUE, 600, " + recorded + ", FALSE, 125000, 'USD', CURRENT_TIMESTAMP)");
        return id;
    }
}
