package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    void everyAnsweredCallNeedsAFinishedRecordFoundByItsCallId() {
        List<SoakDb.Record> records = List.of(
                new SoakDb.Record("CA1", "completed", true, "c1@test"),
                new SoakDb.Record("CA2", "in-progress", false, "c2@test"),
                new SoakDb.Record("CA3", "in-progress", true, "c3@test"),
                new SoakDb.Record("CA4", "failed", true, "c4@test"));
        SoakDb.Check check = SoakDb.check(6, Set.of("c1@test", "c2@test", "c3@test", "c4@test", "c5@test"), records);
        assertEquals(1, check.missing(), "c5 was answered and has no record");
        assertEquals(List.of("CA2", "CA3"), check.unfinished().stream().map(SoakDb.Record::id).toList());
        assertFalse(check.passed());
        List<SoakDb.Record> done = List.of(records.get(0), records.get(3));
        assertTrue(SoakDb.check(3, Set.of("c1@test", "c4@test"), done).passed());
        assertEquals(0, SoakDb.check(3, Set.of("c1@test"), done).missing(), "a call given up on but answered late has a record too");
        SoakDb.Check swapped = SoakDb.check(3, Set.of("c1@test", "c9@test"), done);
        assertEquals(1, swapped.missing(), "as many records as answered calls, but not c9's: counting would pass it");
        SoakDb.Check unnamed = SoakDb.check(1, Set.of("c1@test"), List.of(records.get(0), new SoakDb.Record("CA5", "completed", true, null)));
        assertEquals(1, unnamed.withoutCallId());
        assertFalse(unnamed.passed(), "an inbound record must name its Call-ID");
    }
}
