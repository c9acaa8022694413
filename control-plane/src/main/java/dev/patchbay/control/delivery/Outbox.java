package dev.patchbay.control.delivery;

import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * Writes callbacks for later delivery. Enqueue inside the transaction that records the event (the
 * call ending), so either both are stored or neither; {@link OutboxWorker} does the sending.
 */
public final class Outbox {

    /** A callback to send. {@code callId} may be null; {@code body} is the JSON document. */
    public record Message(String workspaceId, String callId, String kind, String url, String body, String signingKeyId) {
        public Message {
            require(workspaceId, "workspaceId");
            require(kind, "kind");
            require(body, "body");
            require(signingKeyId, "signingKeyId");
            String problem;
            try {
                problem = SsrfGuard.syntaxProblem(url == null ? null : URI.create(url), SsrfGuard.HTTP_SCHEMES);
            } catch (IllegalArgumentException e) {
                problem = "URL '" + url + "' is not a valid URI (" + e.getMessage() + ")";
            }
            if (problem != null) {
                throw new IllegalArgumentException("callback not queued: " + problem);
            }
        }

        private static void require(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("callback not queued: " + name + " is empty");
            }
        }
    }

    /** A row as its workspace sees it. */
    public record Entry(String id, String workspaceId, String callId, String kind, String url, State state,
                        int attempts, Integer lastStatus, String lastError) { }

    public enum State {
        PENDING, DELIVERED, FAILED;

        static State of(String column) {
            return valueOf(column.toUpperCase(Locale.ROOT));
        }
    }

    private final DbClient db;
    private final Clock clock;

    public Outbox(DbClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Enqueues as a single insert of its own. */
    public String enqueue(Message message) {
        return enqueue(db.execute(), message);
    }

    /**
     * Enqueues through {@code tx}, normally the caller's {@code db.transaction()}, so the row commits
     * or rolls back with the caller's own writes. Due at once.
     *
     * @return the row id, sent as {@code X-Patchbay-Delivery-Id}
     */
    public String enqueue(DbExecute tx, Message m) {
        String id = "obx_" + UUID.randomUUID().toString().replace("-", "");
        OffsetDateTime now = now(clock);
        tx.namedInsert("outbox-insert", id, m.workspaceId(), m.callId(), m.kind(), m.url(), m.body(),
                m.signingKeyId(), now, now);
        return id;
    }

    /** A row of {@code workspaceId}; another workspace's id finds nothing. */
    public Optional<Entry> find(String workspaceId, String id) {
        return db.execute().namedGet("outbox-get", id, workspaceId).map(Outbox::entry);
    }

    /** Puts a 'failed' row back to 'pending' with a fresh attempt count, e.g. after fixing the receiver. */
    public boolean requeue(String workspaceId, String id) {
        return db.execute().namedUpdate("outbox-requeue", now(clock), id, workspaceId) == 1;
    }

    private static Entry entry(DbRow r) {
        return new Entry(
                r.column("id").get(String.class),
                r.column("workspace_id").get(String.class),
                r.column("call_id").get(String.class),
                r.column("kind").get(String.class),
                r.column("url").get(String.class),
                State.of(r.column("state").get(String.class)),
                r.column("attempts").get(Integer.class),
                r.column("last_status").get(Integer.class),
                r.column("last_error").get(String.class));
    }

    static OffsetDateTime now(Clock clock) {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
