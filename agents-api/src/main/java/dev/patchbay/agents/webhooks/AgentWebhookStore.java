package dev.patchbay.control.agents.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/** Webhook subscriptions of agent sessions; secrets stay AES-GCM ciphertext here. */
public final class AgentWebhookStore {

    /** One subscription; {@code events} as stored, ",a,b,". */
    public record Subscription(String id, String sessionId, String url, List<String> events, String secretEnc,
                               String status, Instant createdAt) { }

    private static final String INSERT = """
            INSERT INTO agent_webhooks (id, session_id, url, events, secret_enc, status, created_at)
            VALUES (?, ?, ?, ?, ?, 'active', ?)""";
    private static final String BY_ID = "SELECT * FROM agent_webhooks WHERE id = ?";
    private static final String BY_SESSION = "SELECT * FROM agent_webhooks WHERE session_id = ? ORDER BY created_at, id";
    private static final String FOR_EVENT = """
            SELECT * FROM agent_webhooks WHERE session_id = ? AND status = 'active' AND events LIKE ? ORDER BY id""";
    private static final String DELETE = "DELETE FROM agent_webhooks WHERE id = ?";

    private final DbClient db;

    public AgentWebhookStore(DbClient db) {
        this.db = db;
    }

    public void insert(Subscription s) {
        db.execute().insert(INSERT, s.id(), s.sessionId(), s.url(), "," + String.join(",", s.events()) + ",", s.secretEnc(),
                Db.utc(s.createdAt()));
    }

    public Optional<Subscription> find(String id) {
        return db.execute().get(BY_ID, id).map(AgentWebhookStore::subscription);
    }

    public List<Subscription> bySession(String sessionId) {
        return Db.list(db.execute().query(BY_SESSION, sessionId), AgentWebhookStore::subscription);
    }

    public List<Subscription> forEvent(String sessionId, String event) {
        return Db.list(db.execute().query(FOR_EVENT, sessionId, "%," + event + ",%"), AgentWebhookStore::subscription);
    }

    public boolean delete(String id) {
        return db.execute().delete(DELETE, id) > 0;
    }

    private static Subscription subscription(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        String events = (String) c.get("events");
        return new Subscription((String) c.get("id"), (String) c.get("session_id"), (String) c.get("url"),
                List.of(events.substring(1, Math.max(1, events.length() - 1)).split(",")), (String) c.get("secret_enc"),
                (String) c.get("status"), Db.instant(c.get("created_at")));
    }
}
