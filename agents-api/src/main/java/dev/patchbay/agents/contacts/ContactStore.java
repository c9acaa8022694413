package dev.patchbay.agents.contacts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** The agents' address book. Labels are stored as ",a,b," so one LIKE finds a label without a join. */
public final class ContactStore {


    /** A contact with the workspace its session belongs to, for scoping. */
    public record Scoped(Contact contact, String workspaceId) { }

    /** A page of a filtered list and how many match in all. */
    public record Page(List<Contact> contacts, long total) { }

    private final DbClient db;

    public ContactStore(DbClient db) {
        this.db = db;
    }

    public Optional<Scoped> find(String id) {
        return db.execute().namedGet("contact-store-by-id", id).map(r -> new Scoped(contact(r), (String) Db.columns(r).get("workspace_id")));
    }

    /** Contacts whose name contains {@code search} (any case) or whose number contains its digits, with {@code label}. */
    public Page list(String sessionId, String search, String label, int limit, int offset) {
        String s = search == null ? "" : search.strip();
        String digits = s.replaceAll("[^0-9]", "");
        String l = label == null ? "" : label;
        Object[] filter = {sessionId, s, "%" + like(s.toLowerCase(java.util.Locale.ROOT)) + "%", digits, "%" + digits + "%",
            l, "%," + like(l) + ",%"};
        Object[] page = Arrays.copyOf(filter, filter.length + 2);
        page[filter.length] = limit;
        page[filter.length + 1] = offset;
        List<Contact> contacts = Db.list(db.execute().namedQuery("contact-store-list", page), ContactStore::contact);
        long total = db.execute().namedGet("contact-store-count", filter).map(r -> ((Number) Db.columns(r).get("total")).longValue()).orElse(0L);
        return new Page(contacts, total);
    }

    public void insert(Contact c) {
        Db.inTransaction(db, tx -> tx.namedInsert("contact-store-insert", c.id(), c.sessionId(), c.name(), c.phoneNumber(), labels(c.labels()),
                c.notes(), c.metadataJson(), Db.utc(c.createdAt()), Db.utc(c.updatedAt())));
    }

    /**
     * Rewrites a contact under a row lock, so two concurrent partial updates each see the other's
     * fields; empty when it was deleted meanwhile.
     */
    public Optional<Contact> update(String id, java.util.function.UnaryOperator<Contact> change) {
        return Db.inTransaction(db, tx -> {
            if (tx.namedGet("contact-store-lock", id).isEmpty()) {
                return Optional.<Contact>empty();
            }
            Contact c = change.apply(contact(tx.namedGet("contact-store-by-id", id).orElseThrow()));
            tx.namedDml("contact-store-update", c.name(), c.phoneNumber(), labels(c.labels()), c.notes(), c.metadataJson(),
                    Db.utc(c.updatedAt()), id);
            return Optional.of(c);
        });
    }

    public boolean delete(String id) {
        return Db.inTransaction(db, (DbExecute tx) -> tx.namedDml("contact-store-delete", id) > 0);
    }

    private static String labels(List<String> labels) {
        return labels.isEmpty() ? "," : "," + String.join(",", labels) + ",";
    }

    private static String like(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Contact contact(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        List<String> labels = new ArrayList<>();
        for (String l : ((String) c.get("labels")).split(",")) {
            if (!l.isEmpty()) {
                labels.add(l);
            }
        }
        Instant last = c.get("last_called") == null ? null : Db.instant(c.get("last_called"));
        return new Contact((String) c.get("id"), (String) c.get("session_id"), (String) c.get("name"),
                (String) c.get("phone_number"), List.copyOf(labels), (String) c.get("notes"), (String) c.get("metadata"),
                Db.instant(c.get("created_at")), Db.instant(c.get("updated_at")),
                ((Number) c.get("call_count")).longValue(), last);
    }
}
