package dev.patchbay.control.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.patchbay.control.testing.H2Database;
import dev.patchbay.schema.DbSettings;
import dev.patchbay.schema.Migrations;
import io.helidon.dbclient.DbClient;

/** A migrated database, DbClients on the shipped named statements, and workers that close with it. */
final class OutboxFixture implements AutoCloseable {

    static final String SECRET = "whsec_outbox_test";
    static final byte[] SECRET_BYTES = SECRET.getBytes(StandardCharsets.UTF_8);
    static final SigningKeys KEYS = SigningKeys.of(Map.of("k1", WebhookSigner.of(SECRET)));
    static final OutboundPolicy LOOPBACK_OK = new OutboundPolicy(true, false, false);

    private final DbSettings settings;
    private final List<AutoCloseable> owned = new ArrayList<>();
    final DbClient db;
    final Outbox outbox;

    OutboxFixture(DbSettings settings) {
        this.settings = settings;
        Migrations.migrate(settings);
        db = newClient();
        outbox = new Outbox(db, Clock.systemUTC());
    }

    /** A second client, as a second replica would have. */
    DbClient newClient() {
        DbClient client = H2Database.client(settings);
        owned.add(client::close);
        return client;
    }

    /** Fast retries for tests: 50 ms doubling to 400 ms. */
    static OutboxConfig fast(int maxAttempts, int clientErrorMaxAttempts) {
        return new OutboxConfig(Duration.ofMillis(50), 8, Duration.ofSeconds(5), Duration.ofMillis(50),
                Duration.ofMillis(400), maxAttempts, clientErrorMaxAttempts);
    }

    OutboxWorker start(DbClient client, OutboxConfig config, OutboundPolicy policy) {
        OutboundHttp http = new OutboundHttp(OutboundHttp.newClient(config.timeout()), new SsrfGuard(policy));
        OutboxWorker worker = OutboxWorker.start(client, config, http, KEYS, Clock.systemUTC());
        owned.add(worker);
        return worker;
    }

    OutboxWorker start(OutboxConfig config) {
        return start(db, config, LOOPBACK_OK);
    }

    Outbox.Entry entry(String id) {
        return outbox.find("ws_1", id).orElseThrow(() -> new AssertionError("row " + id + " vanished"));
    }

    static Outbox.Message message(String url, String body) {
        return new Outbox.Message("ws_1", "call_1", "hangup_callback", url, body, "k1");
    }

    @Override
    public void close() {
        // workers first, then the clients they use
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
