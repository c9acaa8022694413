package dev.patchbay.control.subscriptions;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/** The admin-api's webhook subscriptions, read per event so a change applies to the very next one. */
public final class SubscriptionStore {

    /** An enabled subscription of an event; {@code secretEnc} stays SecretBox ciphertext here. */
    public record Subscription(String id, String url, String secretEnc) { }

    private final DbClient db;

    public SubscriptionStore(DbClient db) {
        this.db = db;
    }

    /** The workspace's enabled subscriptions to {@code event}, oldest first. */
    public List<Subscription> forEvent(String workspaceId, String event) {
        return Db.list(db.execute().namedQuery("subscriptions-for-event", workspaceId, "%," + event + ",%"), row -> {
            Map<String, Object> c = Db.columns(row);
            return new Subscription((String) c.get("id"), (String) c.get("url"), (String) c.get("secret_enc"));
        });
    }

    /** The sealed secret of subscription {@code id}, enabled or not; empty once it is deleted. */
    public Optional<String> secret(String id) {
        return db.execute().namedGet("subscription-secret", id).map(row -> (String) Db.columns(row).get("secret_enc"));
    }
}
