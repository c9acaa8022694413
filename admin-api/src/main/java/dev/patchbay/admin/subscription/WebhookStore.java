package dev.patchbay.admin.subscription;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** V10 {@code webhook_subscriptions} through the named statements in application.yaml, on the executor given. */
final class WebhookStore {

    private WebhookStore() {
    }

    static void insert(DbExecute tx, WebhookSubscription w) {
        tx.namedInsert("insert-webhook", w.id(), w.workspaceId(), w.url(), events(w.events()), w.secretEnc(), w.enabled(),
                Db.utc(w.createdAt()), Db.utc(w.updatedAt()));
    }

    static List<WebhookSubscription> page(DbExecute exec, String workspaceId, PageRequest page) {
        return Db.list(exec.namedQuery("select-webhooks", workspaceId, Db.utc(page.afterTime()), Db.utc(page.afterTime()),
                page.afterId(), page.fetch()), WebhookStore::row);
    }

    /** @param lock read {@code FOR UPDATE}, for a check-then-write in the same transaction */
    static Optional<WebhookSubscription> find(DbExecute exec, String workspaceId, String id, boolean lock) {
        return exec.namedGet(lock ? "select-webhook-for-update" : "select-webhook", workspaceId, id).map(WebhookStore::row);
    }

    static void update(DbExecute tx, WebhookSubscription w) {
        tx.namedUpdate("update-webhook", w.url(), events(w.events()), w.secretEnc(), w.enabled(), Db.utc(w.updatedAt()),
                w.workspaceId(), w.id());
    }

    static boolean delete(DbExecute tx, String workspaceId, String id) {
        return tx.namedDelete("delete-webhook", workspaceId, id) > 0;
    }

    private static String events(List<String> events) {
        return "," + String.join(",", events) + ",";
    }

    private static WebhookSubscription row(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        List<String> events = Arrays.stream(((String) c.get("events")).split(",")).filter(e -> !e.isEmpty()).toList();
        return new WebhookSubscription((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("url"), events,
                (String) c.get("secret_enc"), (Boolean) c.get("enabled"), Db.instant(c.get("created_at")),
                Db.instant(c.get("updated_at")));
    }
}
