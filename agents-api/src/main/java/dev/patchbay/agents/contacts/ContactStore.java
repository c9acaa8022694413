package dev.patchbay.control.agents.contacts;

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

    // Calls count for a contact when the same session dialled its number.
    private static final String COLUMNS = """
            SELECT t.*, s.workspace_id,
                   (SELECT COUNT(*) FROM agent_calls a JOIN calls c ON c.id = a.call_id
                     WHERE a.session_id = t.session_id AND c.to_number = t.phone_number) AS call_count,
                   (SELECT MAX(c.created_at) FROM agent_calls a JOIN calls c ON c.id = a.call_id
                     WHERE a.session_id = t.session_id AND c.to_number = t.phone_number) AS last_called
              FROM agent_contacts t JOIN agent_sessions s ON s.id = t.session_id""";
    private static final String BY_ID = COLUMNS + " WHERE t.id = ?";
    // Backslash escapes % and _ in the search text; both databases take ESCAPE.
    private static final String FILTER = """
             WHERE t.session_id = ?
               AND (? = '' OR LOWER(t.name) LIKE ? ESCAPE '\\' OR (? <> '' AND t.phone_number LIKE ? ESCAPE '\\'))
               AND (? = '' OR t.labels LIKE ? ESCAPE '\\')""";
    private static final String LIST = COLUMNS + "\n" + FILTER + " ORDER BY LOWER(t.name), t.id LIMIT ? OFFSET ?";
    private static final String COUNT = "SELECT COUNT(*) AS total FROM agent_contacts t\n" + FILTER;
    private static final String INSERT = """
            INSERT INTO agent_contacts (id, session_id, name, phone_number, labels, notes, metadata, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String LOCK = "SELECT id FROM agent_contacts WHERE id = ? FOR UPDATE";
    private static final String UPDATE = """
            UPDATE agent_contacts SET name = ?, phone_number = ?, labels = ?, notes = ?, metadata = ?, updated_at = ?
             WHERE id = ?""";
    private static final String DELETE = "DELETE FROM agent_contacts WHERE id = ?";

    /** A contact with the workspace its session belongs to, for scoping. */
    public record Scoped(Contact contact, String workspaceId) { }

    /** A page of a filtered list and how many match in all. */
    public record Page(List<Contact> contacts, long total) { }

    private final DbClient db;

    public ContactStore(DbClient db) {
        this.db = db;
    }

    public Optional<Scoped> find(String id) {
        return db.execute().get(BY_ID, id).map(r -> new Scoped(contact(r), (String) Db.columns(r).get("workspace_id")));
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
        List<Contact> contacts = Db.list(db.execute().query(LIST, page), ContactStore::contact);
        long total = db.execute().get(COUNT, filter).map(r -> ((Number) Db.columns(r).get("total")).longValue()).orElse(0L);
        return new Page(contacts, total);
    }

    public void insert(Contact c) {
        Db.inTransaction(db, tx -> tx.insert(INSERT, c.id(), c.sessionId(), c.name(), c.phoneNumber(), labels(c.labels()),
                c.notes(), c.metadataJson(), Db.utc(c.createdAt()), Db.utc(c.updatedAt())));
    }

    /**
     * Rewrites a contact under a row lock, so two concurrent partial updates each see the other's
     * fields; empty when it was deleted meanwhile.
     */
    public Optional<Contact> update(String id, java.util.function.UnaryOperator<Contact> change) {
        return Db.inTransaction(db, tx -> {
            if (tx.get(LOCK, id).isEmpty()) {
                return Optional.<Contact>empty();
            }
            Contact c = change.apply(contact(tx.get(BY_ID, id).orElseThrow()));
            tx.dml(UPDATE, c.name(), c.phoneNumber(), labels(c.labels()), c.notes(), c.metadataJson(),
                    Db.utc(c.updatedAt()), id);
            return Optional.of(c);
        });
    }

    public boolean delete(String id) {
        return Db.inTransaction(db, (DbExecute tx) -> tx.dml(DELETE, id) > 0);
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
