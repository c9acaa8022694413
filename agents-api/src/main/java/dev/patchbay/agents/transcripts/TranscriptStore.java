package dev.patchbay.agents.transcripts;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.agents.auth.SessionTokens;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/** Transcript segments and transcription settings of agents' calls (V6 transcript_segments, V9). */
public final class TranscriptStore {


    /**
     * An agent's call as transcripts see it: whose it is, and when it was answered and ended.
     *
     * @param tokenSha256 the hash of the session's token, which keys the stream tokens of its calls
     */
    public record CallLink(String callId, String sessionId, String workspaceId, String agentId, String tokenSha256,
                           String language, Instant answeredAt, Instant endedAt) { }

    /** What POST /calls/{call_id}/transcribe asked for. */
    public record Transcription(String id, String callId, String language, String webhookUrl, boolean interimResults,
                                boolean speakerLabels, Instant createdAt) { }

    private final DbClient db;
    private final Clock clock;

    public TranscriptStore(DbClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    public Optional<CallLink> link(String callId) {
        return db.execute().namedGet("transcript-store-link", callId).map(row -> {
            Map<String, Object> c = Db.columns(row);
            return new CallLink((String) c.get("call_id"), (String) c.get("session_id"), (String) c.get("workspace_id"),
                    (String) c.get("agent_id"), (String) c.get("token_sha256"), (String) c.get("language"),
                    Db.instant(c.get("answered_at")), Db.instant(c.get("ended_at")));
        });
    }

    /** Stores the segments in one transaction: all of them or none. */
    public void add(String callId, List<Segment> segments) {
        Instant now = now();
        Db.inTransaction(db, tx -> {
            for (Segment s : segments) {
                tx.namedInsert("transcript-store-insert", callId, s.speaker(), s.text(), s.timestamp(), s.confidence(), s.language(), Db.utc(now));
            }
            return null;
        });
    }

    public List<Segment> segments(String callId) {
        return Db.list(db.execute().namedQuery("transcript-store-segments", callId), row -> {
            Map<String, Object> c = Db.columns(row);
            return new Segment((String) c.get("speaker"), (String) c.get("text"),
                    ((Number) c.get("offset_seconds")).doubleValue(),
                    c.get("confidence") == null ? 0 : ((Number) c.get("confidence")).doubleValue(), (String) c.get("language"));
        });
    }

    public Optional<Transcription> transcription(String callId) {
        return db.execute().namedGet("transcript-store-transcription", callId).map(TranscriptStore::transcription);
    }

    /**
     * Turns transcription on for the call, or updates its settings; the id stays the one first given.
     * The call's row is locked first, so two concurrent requests cannot both insert.
     */
    public Transcription enable(String callId, String language, String webhookUrl, boolean interim, boolean labels) {
        return Db.inTransaction(db, tx -> {
            tx.namedGet("transcript-store-lock-call", callId);
            Optional<Transcription> existing = tx.namedGet("transcript-store-transcription", callId).map(TranscriptStore::transcription);
            Transcription t;
            if (existing.isPresent()) {
                tx.namedDml("transcript-store-update-transcription", language, webhookUrl, interim, labels, callId);
                t = new Transcription(existing.get().id(), callId, language, webhookUrl, interim, labels,
                        existing.get().createdAt());
            } else {
                t = new Transcription(SessionTokens.newId("trans"), callId, language, webhookUrl, interim, labels, now());
                tx.namedInsert("transcript-store-insert-transcription", t.id(), callId, language, webhookUrl, interim, labels, Db.utc(t.createdAt()));
            }
            tx.namedDml("transcript-store-mark-call", language, callId);
            return t;
        });
    }

    private static Transcription transcription(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new Transcription((String) c.get("id"), (String) c.get("call_id"), (String) c.get("language"),
                (String) c.get("webhook_url"), Boolean.TRUE.equals(c.get("interim_results")),
                Boolean.TRUE.equals(c.get("speaker_labels")), Db.instant(c.get("created_at")));
    }
}
