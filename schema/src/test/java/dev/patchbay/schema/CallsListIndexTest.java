package dev.patchbay.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * V24: the call list's index is in the list's order (workspace, newest first, id as tie-break) on both
 * databases, and the V2 index it supersedes is gone. Its effect on plans is measured on PostgreSQL by
 * scripts/bench-call-list.sh (docs/benchmarks.md), not asserted here: a test table is too small for
 * the planner to prefer any index.
 */
class CallsListIndexTest {

    private static final List<String> NEWEST = List.of("workspace_id A", "created_at D", "id D");

    @Test
    void postgresHasTheListIndexInListOrder() throws SQLException {
        try (TestDb db = new TestDb()) {
            Migrations.migrate(db.settings());
            try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD)) {
                assertEquals(NEWEST, columns(c, db.schema, "calls_workspace_newest"));
                assertEquals(List.of(), columns(c, db.schema, "calls_workspace_created"), "V2's index is dropped");
            }
        }
    }

    @Test
    void h2HasTheListIndexInListOrder() throws Exception {
        Path dir = Files.createTempDirectory("patchbay-h2");
        String url = "jdbc:h2:file:" + dir.resolve("patchbay") + ";DATABASE_TO_LOWER=TRUE";
        Migrations.migrate(new DbSettings(url, "sa", ""));
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            assertEquals(NEWEST, columns(c, null, "calls_workspace_newest"));
            assertEquals(List.of(), columns(c, null, "calls_workspace_created"), "V2's index is dropped");
        }
    }

    /** The index's columns in order, each with A or D for its direction; empty if there is no such index. */
    private static List<String> columns(Connection c, String schema, String index) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        List<String> columns = new ArrayList<>();
        try (ResultSet r = meta.getIndexInfo(null, schema, "calls", false, false)) {
            while (r.next()) {
                if (index.equalsIgnoreCase(r.getString("INDEX_NAME"))) {
                    columns.add(r.getShort("ORDINAL_POSITION") - 1, r.getString("COLUMN_NAME").toLowerCase(Locale.ROOT)
                            + " " + r.getString("ASC_OR_DESC"));
                }
            }
        }
        return columns;
    }
}
