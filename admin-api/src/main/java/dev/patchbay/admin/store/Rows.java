package dev.patchbay.admin.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.patchbay.admin.tenant.Bot;
import dev.patchbay.admin.tenant.BotKind;
import dev.patchbay.admin.tenant.Did;
import dev.patchbay.admin.tenant.Workspace;
import io.helidon.dbclient.DbRow;

/**
 * Rows to records. Columns are looked up by lower-case name, because H2 without
 * DATABASE_TO_LOWER reports them in upper case, and timestamps arrive as whatever the driver
 * returns (PostgreSQL: Timestamp, H2: OffsetDateTime).
 */
final class Rows {

    private Rows() {
    }

    static Workspace workspace(DbRow row) {
        Map<String, Object> c = columns(row);
        return new Workspace((String) c.get("id"), (String) c.get("name"), (Boolean) c.get("enabled"),
                instant(c.get("created_at")));
    }

    static Bot bot(DbRow row) {
        Map<String, Object> c = columns(row);
        String kind = (String) c.get("kind");
        return new Bot((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("name"),
                BotKind.fromWire(kind).orElseThrow(() -> new IllegalStateException("bots.kind '" + kind + "' is unknown")),
                (String) c.get("url"), (String) c.get("dialect"), instant(c.get("created_at")));
    }

    static Did did(DbRow row) {
        Map<String, Object> c = columns(row);
        return new Did((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("number"),
                (String) c.get("bot_id"), instant(c.get("created_at")));
    }

    // get(Object.class) hands back the driver's value as is, null included; get() refuses SQL NULL.
    private static Map<String, Object> columns(DbRow row) {
        Map<String, Object> values = new HashMap<>();
        row.forEach(column -> values.put(column.name().toLowerCase(Locale.ROOT), column.get(Object.class)));
        return values;
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case Timestamp t -> t.toInstant();
            case OffsetDateTime o -> o.toInstant();
            case ZonedDateTime z -> z.toInstant();
            case Instant i -> i;
            case LocalDateTime l -> l.toInstant(ZoneOffset.UTC);
            case null, default -> throw new IllegalStateException("created_at is not a timestamp: " + value);
        };
    }
}
