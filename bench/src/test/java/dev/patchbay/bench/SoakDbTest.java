package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Against the real PostgreSQL on 127.0.0.1:5432, as the soak runs. */
class SoakDbTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    @Test
    void connectionsAreCountedPerApplicationNameAndTheDatabaseIsDroppedAtClose() throws Exception {
        String name = "patchbay_soak_test_" + ProcessHandle.current().pid();
        try (SoakDb db = new SoakDb(SERVER, name, "ws_demo")) {
            try (Connection a = DriverManager.getConnection(db.url("patchbay-media-plane"), SoakDb.USER, "");
                 Connection b = DriverManager.getConnection(db.url("patchbay-media-plane"), SoakDb.USER, "");
                 Connection c = DriverManager.getConnection(db.url("patchbay-admin-api"), SoakDb.USER, "")) {
                Map<String, Long> byApp = db.connections();
                assertEquals(2L, byApp.get("patchbay-media-plane"));
                assertEquals(1L, byApp.get("patchbay-admin-api"));
                assertEquals(1L, byApp.get("patchbay-soak"), "the soak's own connection");
            }
        }
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", SoakDb.USER, "");
             ResultSet r = admin.createStatement().executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")) {
            r.next();
            assertEquals(0, r.getInt(1), "dropped at close");
        }
    }

    @Test
    void everyAnsweredCallNeedsAFinishedRecord() {
        List<SoakDb.Record> records = List.of(
                new SoakDb.Record("CA1", "completed", true),
                new SoakDb.Record("CA2", "in-progress", false),
                new SoakDb.Record("CA3", "in-progress", true),
                new SoakDb.Record("CA4", "failed", true));
        SoakDb.Check check = SoakDb.check(6, 5, records);
        assertEquals(1, check.missing(), "5 answered, 4 records");
        assertEquals(List.of("CA2", "CA3"), check.unfinished().stream().map(SoakDb.Record::id).toList());
        assertFalse(check.passed());
        List<SoakDb.Record> done = List.of(records.get(0), records.get(3));
        assertTrue(SoakDb.check(3, 2, done).passed());
        assertEquals(0, SoakDb.check(3, 1, done).missing(), "a call given up on but answered late has a record too");
    }
}
