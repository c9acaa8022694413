package dev.patchbay.control.recording;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

import dev.patchbay.proto.media.v1.DeleteRecordingRequest;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.schema.Db;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.helidon.dbclient.DbClient;

/**
 * Deletes recordings: those older than the retention, and those a session delete queued. Clearing a
 * call's recording_url and queueing its file happen in one transaction, so the URL stops working at
 * once; the file goes when its media node answers, by whichever replica sweeps first (a delete of a
 * file already gone succeeds, so two replicas racing do no harm).
 */
public final class RecordingRetention {

    private static final Logger LOG = Logger.getLogger(RecordingRetention.class.getName());
    private static final int BATCH = 200;

    /** What one sweep did. */
    public record Swept(long expired, int deleted, int waiting) { }

    private final DbClient db;
    private final Duration retention;
    private final Function<String, Optional<Channel>> nodes;
    private final Clock clock;

    /** {@code nodes}: the gRPC channel of a connected media node by its name, if any; zero retention keeps files. */
    public RecordingRetention(DbClient db, Duration retention, Function<String, Optional<Channel>> nodes, Clock clock) {
        this.db = db;
        this.retention = retention;
        this.nodes = nodes;
        this.clock = clock;
    }

    /** Queues what the retention expired, then deletes queued files on the nodes that are connected. */
    public Swept sweep() {
        long expired = 0;
        if (!retention.isZero()) {
            Instant now = clock.instant();
            Instant cutoff = now.minus(retention);
            expired = Db.inTransaction(db, tx -> {
                long queued = tx.namedDml("recording-queue-expired", Db.utc(now), Db.utc(cutoff));
                tx.namedDml("recording-clear-expired", Db.utc(cutoff));
                return queued;
            });
        }
        List<Map<String, Object>> queue = Db.list(db.execute().namedQuery("recording-select-deletions", BATCH), Db::columns);
        int deleted = 0;
        for (Map<String, Object> row : queue) {
            String callId = (String) row.get("call_id");
            String node = (String) row.get("media_node");
            Optional<Channel> channel = nodes.apply(node);
            if (channel.isEmpty()) {
                LOG.fine(() -> "recording of " + callId + " waits for media node " + node + " to be connected");
                continue;
            }
            try {
                MediaPlaneGrpc.newBlockingStub(channel.get()).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .deleteRecording(DeleteRecordingRequest.newBuilder().setCallId(callId).build());
                db.execute().namedDml("recording-deletion-done", callId);
                deleted++;
            } catch (StatusRuntimeException e) {
                LOG.warning(() -> "deleting the recording of " + callId + " on " + node + " failed (" + e.getStatus()
                        + "); the next sweep retries");
            }
        }
        return new Swept(expired, deleted, queue.size() - deleted);
    }
}
