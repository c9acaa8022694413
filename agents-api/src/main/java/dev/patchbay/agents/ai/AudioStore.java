package dev.patchbay.control.agents.ai;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/** Synthesized clips (V9 agent_audio), served until they expire. */
final class AudioStore {

    private static final String INSERT = """
            INSERT INTO agent_audio (id, workspace_id, wav, duration_seconds, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)""";
    private static final String FIND = """
            SELECT wav FROM agent_audio WHERE id = ? AND workspace_id = ? AND expires_at > ?""";
    // Expired clips go whenever a new one is stored, so the table holds at most a TTL's worth.
    private static final String PURGE = "DELETE FROM agent_audio WHERE expires_at <= ?";

    private final DbClient db;
    private final Clock clock;

    AudioStore(DbClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    void insert(String id, String workspaceId, byte[] wav, double seconds, Instant expires) {
        Instant now = now();
        Db.inTransaction(db, tx -> {
            tx.dml(PURGE, Db.utc(now));
            tx.insert(INSERT, id, workspaceId, wav, seconds, Db.utc(now), Db.utc(expires));
            return null;
        });
    }

    /** The clip if it is the workspace's and has not expired. */
    Optional<byte[]> find(String id, String workspaceId) {
        return db.execute().get(FIND, id, workspaceId, Db.utc(now())).map(r -> {
            Map<String, Object> c = Db.columns(r);
            return (byte[]) c.get("wav");
        });
    }
}
