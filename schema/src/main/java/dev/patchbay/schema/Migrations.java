package dev.patchbay.schema;

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
                .load()
                .migrate();
    }
}
