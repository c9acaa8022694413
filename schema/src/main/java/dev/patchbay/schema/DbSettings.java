package dev.patchbay.schema;

import io.helidon.config.Config;

/**
 * Where the database is. Read from {@code patchbay.db.connection}, the same node helidon-dbclient
 * reads, so one setting ({@code PATCHBAY_DB_CONNECTION_URL}) moves every process.
 */
public record DbSettings(String url, String username, String password) {

    public static DbSettings from(Config db) {
        Config connection = db.get("connection");
        return new DbSettings(
                connection.get("url").asString().orElseThrow(() -> new IllegalStateException(
                        "patchbay.db.connection.url is not set: set PATCHBAY_DB_CONNECTION_URL to a jdbc:postgresql: or jdbc:h2: URL")),
                connection.get("username").asString().get(),
                connection.get("password").asString().get());
    }

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }
}
