package dev.patchbay.agents.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** Webhook subscriptions of agent sessions; secrets stay AES-GCM ciphertext here. */
public final class AgentWebhookStore {

    /** One subscription; {@code events} as stored, ",a,b,". */
    public record Subscription(String id, String sessionId, String url, List<String> events, String secretEnc,
                               String status, Instant createdAt) { }


    private final DbClient db;

    public AgentWebhookStore(DbClient db) {
        this.db = db;
    }

    public void insert(Subscription s) {
        db.execute().namedInsert("agent-webhook-store-insert", s.id(), s.sessionId(), s.url(), "," + String.join(",", s.events()) + ",", s.secretEnc(),
                Db.utc(s.createdAt()));
    }

    public Optional<Subscription> find(String id) {
        return db.execute().namedGet("agent-webhook-store-by-id", id).map(AgentWebhookStore::subscription);
    }

    public List<Subscription> bySession(String sessionId) {
        return Db.list(db.execute().namedQuery("agent-webhook-store-by-session", sessionId), AgentWebhookStore::subscription);
    }

    public List<Subscription> forEvent(String sessionId, String event) {
        return forEvent(db.execute(), sessionId, event);
    }

    /** The same through {@code exec}: inside a transaction, never a second pool connection (it can deadlock the pool). */
    public List<Subscription> forEvent(DbExecute exec, String sessionId, String event) {
        return Db.list(exec.namedQuery("agent-webhook-store-for-event", sessionId, "%," + event + ",%"), AgentWebhookStore::subscription);
    }

    public boolean delete(String id) {
        return db.execute().namedDelete("agent-webhook-store-delete", id) > 0;
    }

    private static Subscription subscription(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        String events = (String) c.get("events");
        return new Subscription((String) c.get("id"), (String) c.get("session_id"), (String) c.get("url"),
                List.of(events.substring(1, Math.max(1, events.length() - 1)).split(",")), (String) c.get("secret_enc"),
                (String) c.get("status"), Db.instant(c.get("created_at")));
    }
}
