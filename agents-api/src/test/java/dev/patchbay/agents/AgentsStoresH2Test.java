package dev.patchbay.agents;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.patchbay.agents.analytics.AnalyticsStore;
import dev.patchbay.agents.contacts.Contact;
import dev.patchbay.agents.contacts.ContactStore;
import dev.patchbay.agents.security.ApiKeys;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.control.testing.H2Database;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The SQL of the contacts, analytics and key-rotation stores, and application.yaml's select-api-key,
 * on H2: the database {@code ./patchbay up} runs by default. The API tests run them on PostgreSQL.
 */
class AgentsStoresH2Test {

    private static final String[] ROWS = {
        "INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws', 'W', TRUE, CURRENT_TIMESTAMP)",
        "INSERT INTO api_keys (id, workspace_id, name, secret_sha256, created_at)"
                + " VALUES ('k1', 'ws', 'n', 'x', CURRENT_TIMESTAMP)",
        "INSERT INTO agent_sessions (id, workspace_id, agent_id, session_type, token_sha256, privacy_mode, currency,"
                + " calls_per_hour, max_call_duration, created_at, expires_at)"
                + " VALUES ('sess_1', 'ws', 'a', 'guest', 'h', TRUE, 'USD', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "INSERT INTO calls (id, workspace_id, direction, status, to_number, media_node, created_at, answered_at, ended_at)"
                + " VALUES ('c1', 'ws', 'outbound', 'completed', '+14155551234', 'n',"
                + " TIMESTAMP WITH TIME ZONE '2026-02-01 10:00:00+00', TIMESTAMP WITH TIME ZONE '2026-02-01 10:00:05+00',"
                + " TIMESTAMP WITH TIME ZONE '2026-02-01 10:02:05+00')",
        "INSERT INTO agent_calls (call_id, session_id, agent_id, privacy_mode, max_duration, record_call, transcribe,"
                + " country, number_type, rate_micros, currency, cost_micros, mos, created_at)"
                + " VALUES ('c1', 'sess_1', 'a', TRUE, 1, FALSE, FALSE, 'US', 'mobile', 1, 'USD', 250000, 4.5,"
                + " TIMESTAMP WITH TIME ZONE '2026-02-01 10:00:00+00')",
        // 7.00 granted, 5.00 of it spent by a settled call on 2 February (V16 accounts and entries).
        "INSERT INTO wallet_accounts (session_id, account, balance_micros) VALUES ('sess_1', 'funding', -7000000),"
                + " ('sess_1', 'available', 2000000), ('sess_1', 'reserved', 0), ('sess_1', 'spent', 5000000)",
        "INSERT INTO wallet_entries (txn_id, session_id, account, amount_micros, created_at) VALUES"
                + " ('t0', 'sess_1', 'funding', -7000000, TIMESTAMP WITH TIME ZONE '2026-02-01 09:00:00+00'),"
                + " ('t0', 'sess_1', 'available', 7000000, TIMESTAMP WITH TIME ZONE '2026-02-01 09:00:00+00'),"
                + " ('t1', 'sess_1', 'available', -5000000, TIMESTAMP WITH TIME ZONE '2026-02-02 10:00:00+00'),"
                + " ('t1', 'sess_1', 'spent', 5000000, TIMESTAMP WITH TIME ZONE '2026-02-02 10:00:00+00')",
    };

    @Test
    void contactsAnalyticsAndKeyRotationRunOnH2() throws Exception {
        H2Database h2 = H2Database.inMemory("agents");
        h2.sql(ROWS);
        DbClient db = h2.client();
        try {
            Instant now = Instant.parse("2026-02-05T12:00:00Z");
            ContactStore contacts = new ContactStore(db);
            contacts.insert(new Contact("cnt_1", "sess_1", "John_Doe 100%", "+14155551234", List.of("customer", "vip"),
                    null, "{}", now, now, 0, null));
            ContactStore.Page page = contacts.list("sess_1", "john_", "vip", 10, 0);
            assertEquals(1, page.total());
            assertEquals(1, page.contacts().get(0).callCount());
            assertEquals(Instant.parse("2026-02-01T10:00:00Z"), page.contacts().get(0).lastCalled());
            assertEquals(1, contacts.list("sess_1", "4155", null, 10, 0).total());
            assertEquals(0, contacts.list("sess_1", "x%", null, 10, 0).total());
            assertEquals("Jo", contacts.update("cnt_1", c -> new Contact(c.id(), c.sessionId(), "Jo", c.phoneNumber(),
                    c.labels(), c.notes(), c.metadataJson(), c.createdAt(), now, 0, null)).orElseThrow().name());
            assertEquals(true, contacts.delete("cnt_1"));

            AnalyticsStore analytics = new AnalyticsStore(db);
            Instant from = Instant.parse("2026-02-01T00:00:00Z");
            Instant to = Instant.parse("2026-02-06T00:00:00Z");
            assertEquals(new AnalyticsStore.Totals(1, 1, 250_000, 4.5), analytics.totals("sess_1", from, to));
            assertEquals(Map.of("US", 1L), analytics.byCountry("sess_1", from, to));
            assertEquals(120, analytics.calls("sess_1", from, to).get(0).seconds());
            assertEquals(new AnalyticsStore.Spending(5_000_000, 2_000_000), analytics.spending("sess_1", from, to));

            // Reservations and settlements under the wallet lock, on H2 as on PostgreSQL.
            dev.patchbay.agents.wallet.Ledger ledger = new dev.patchbay.agents.wallet.Ledger(db,
                    java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
            dev.patchbay.agents.wallet.Tariff tariff = new dev.patchbay.agents.wallet.Tariff(125_000, 60);
            var held = ((dev.patchbay.agents.wallet.Ledger.Hold.Reserved) ledger.reserve("sess_1", "ws", null,
                    tariff, 600, true)).reservation();
            assertEquals(750_000, ledger.balance("sess_1"));
            assertEquals(true, ledger.reserve("sess_1", "ws", null, tariff, 600, true)
                    instanceof dev.patchbay.agents.wallet.Ledger.Hold.Short);
            assertEquals(1_000_000, ledger.settle(held.id(), 250_000, 2).orElseThrow().releasedMicros());
            assertEquals(true, ledger.settle(held.id(), 250_000, 2).isEmpty(), "settled once");
            assertEquals(1_750_000, ledger.balance("sess_1"));

            new ApiKeys(db).rotate("ws", "k1", now, Instant.now().plusSeconds(3600));
            Tenants tenants = new Tenants(db);
            assertEquals(true, tenants.apiKey("k1").isPresent(), "within the overlap");
            h2.sql("UPDATE api_keys SET revoked_at = DATEADD(SECOND, -1, CURRENT_TIMESTAMP) WHERE id = 'k1'");
            assertEquals(false, tenants.apiKey("k1").isPresent(), "after it");
        } finally {
            db.close();
        }
    }

    @Test
    void theFairPickOfDialJobsRunsOnH2() throws Exception {
        H2Database h2 = H2Database.inMemory("jobs");
        h2.sql(ROWS[0], ROWS[2]);
        DbClient db = h2.client();
        try {
            Instant now = Instant.parse("2026-02-05T12:00:00Z");
            var jobs = new dev.patchbay.agents.jobs.DialJobStore(db);
            List<dev.patchbay.agents.jobs.DialJob> list = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                list.add(new dev.patchbay.agents.jobs.DialJob("q" + i, "sess_1",
                        dev.patchbay.agents.jobs.DialJob.Kind.QUEUED, "queue_1", "+14155551234", "{}", 1 + i, 2, null,
                        1, 60, 0, dev.patchbay.agents.jobs.DialJob.State.PENDING, now, i == 3 ? now.minusSeconds(1)
                        : null, null, null, now));
            }
            jobs.insert(list);
            assertEquals(List.of("q0", "q1"), jobs.claim("r", now, now.plusSeconds(30), 10).stream()
                    .map(dev.patchbay.agents.jobs.DialJob::id).toList(), "two lines, highest priority first");
            assertEquals(List.of(), jobs.claim("r", now, now.plusSeconds(30), 10), "the queue is full");
            assertEquals(dev.patchbay.agents.jobs.DialJob.State.EXPIRED, jobs.find("q3").orElseThrow().state());
            jobs.defer("q0", "sess_1", now.plusSeconds(60), "deferred", now);
            assertEquals(0, jobs.find("q0").orElseThrow().attempts());
        } finally {
            db.close();
        }
    }
}
