package dev.patchbay.schema;

import java.util.Map;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings a database up to the current schema. Safe to call from every process at start-up. */
public final class Migrations {

    private Migrations() {
    }

    public static MigrateResult migrate(DbSettings db) {
        return Flyway.configure()
                .dataSource(db.url(), db.username(), db.password())
                .locations("classpath:db/migration")
                .placeholders(placeholders(db))
                .load()
                .migrate();
    }

    /**
     * What differs between the two databases' DDL. {@code json_document_type} (V29): JSONB on
     * PostgreSQL; on H2 plain text, since H2's JSON type stores a bound string as a JSON string, not as the document.
     */
    static Map<String, String> placeholders(DbSettings db) {
        return Map.of("json_document_type", db.isH2() ? "VARCHAR(1000000)" : "JSONB");
    }
}
