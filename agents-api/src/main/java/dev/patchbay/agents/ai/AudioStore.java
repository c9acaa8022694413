package dev.patchbay.agents.ai;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/** Synthesized clips (V9 agent_audio), served until they expire. */
final class AudioStore {


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
            tx.namedDml("audio-store-purge", Db.utc(now));
            tx.namedInsert("audio-store-insert", id, workspaceId, wav, seconds, Db.utc(now), Db.utc(expires));
            return null;
        });
    }

    /** The clip if it is the workspace's and has not expired. */
    Optional<byte[]> find(String id, String workspaceId) {
        return db.execute().namedGet("audio-store-find", id, workspaceId, Db.utc(now())).map(r -> {
            Map<String, Object> c = Db.columns(r);
            return (byte[]) c.get("wav");
        });
    }
}
