package dev.patchbay.control.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import dev.patchbay.control.app.ControlConfig;
import dev.patchbay.schema.DbSettings;
import dev.patchbay.schema.Migrations;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;

/**
 * A migrated H2 database as {@code ./patchbay up} runs it ({@code DATABASE_TO_LOWER}), and DbClients on the
 * control-plane's shipped named statements: what the tests that run the stores' SQL on H2 start from
 * (the call store, the outbox, the agents' stores).
 */
public final class H2Database {

    private final DbSettings settings;

    private H2Database(String url) {
        this.settings = new DbSettings(url, "sa", "");
        Migrations.migrate(settings);
    }

    /** A file database in a fresh temporary folder, as {@code ./patchbay up} keeps one. */
    public static H2Database inTempFolder(String prefix) throws IOException {
        return new H2Database("jdbc:h2:file:" + Files.createTempDirectory(prefix).resolve("db") + ";DATABASE_TO_LOWER=TRUE");
    }

    /** An in-memory database, kept until the JVM ends. */
    public static H2Database inMemory(String prefix) {
        return new H2Database("jdbc:h2:mem:" + prefix + System.nanoTime() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
    }

    public DbSettings settings() {
        return settings;
    }

    /** Runs {@code statements} in order on one connection: a test's rows. */
    public void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(settings.url(), settings.username(), settings.password());
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** A new client on this database; the caller closes it. */
    public DbClient client() {
        return client(settings);
    }

    /** A new client on {@code database} (H2 or PostgreSQL) with the control-plane's shipped named statements. */
    public static DbClient client(DbSettings database) {
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", database.url(),
                        "patchbay.db.connection.username", database.username(),
                        "patchbay.db.connection.password", database.password())))
                .addSource(ConfigSources.url(ShippedDefaults.file(ControlConfig.class)))
                .build();
        return DbClient.create(config.get("patchbay.db"));
    }
}
