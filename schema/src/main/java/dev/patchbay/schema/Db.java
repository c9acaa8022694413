package dev.patchbay.schema;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

/**
 * What every repository needs from helidon-dbclient and does not get from it: a transaction that
 * rolls back on any failure, rows as maps whatever case the driver reports names in, and
 * timestamps the same on PostgreSQL (Timestamp) and H2 (OffsetDateTime).
 */
public final class Db {

    private Db() {
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public static <T> T inTransaction(DbClient db, Function<DbExecute, T> work) {
        DbTransaction tx = db.transaction();
        T result;
        try {
            result = work.apply(tx);
        } catch (RuntimeException e) {
            try {
                tx.rollback();
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        try {
            tx.commit();
        } catch (DbClientException e) {
            // Helidon 4.5.0 closes a transaction's connection when one of its statements fails, and the
            // pool rolls it back. If the work handled that failure (a unique violation it reports, say),
            // nothing is committed: what PostgreSQL does with an aborted transaction's COMMIT anyway.
            if (!HikariPool.closed(e)) {
                throw e;
            }
        }
        return result;
    }

    /** Column values by lower-case name; SQL NULL stays null. */
    public static Map<String, Object> columns(DbRow row) {
        Map<String, Object> values = new HashMap<>();
        // get(Object.class) hands back the driver's value as is, null included; get() refuses SQL NULL.
        row.forEach(column -> values.put(column.name().toLowerCase(Locale.ROOT), column.get(Object.class)));
        return values;
    }

    /** A timestamp column as an Instant, or null. */
    public static Instant instant(Object value) {
        return switch (value) {
            case null -> null;
            case Timestamp t -> t.toInstant();
            case OffsetDateTime o -> o.toInstant();
            case ZonedDateTime z -> z.toInstant();
            case Instant i -> i;
            case LocalDateTime l -> l.toInstant(ZoneOffset.UTC);
            default -> throw new IllegalStateException("not a timestamp: " + value.getClass().getName());
        };
    }

    /** The parameter form of an Instant that both drivers bind to TIMESTAMP WITH TIME ZONE. */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** Maps and closes a query's rows; an open stream holds a connection. */
    public static <T> List<T> list(Stream<DbRow> rows, Function<DbRow, T> map) {
        try (rows) {
            return rows.map(map).toList();
        }
    }

    /** The SQLState somewhere in the cause chain, e.g. "23505" for a unique violation, or null. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** True for a unique or primary-key violation, on PostgreSQL and H2 alike. */
    public static boolean uniqueViolation(Throwable e) {
        String state = sqlState(e);
        return "23505".equals(state);
    }
}
