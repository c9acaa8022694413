package dev.patchbay.media.app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import dev.patchbay.media.fleet.FleetSettings;
import dev.patchbay.media.registration.RegistrationSettings;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Kamailio;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.schema.testing.TestDb;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REGISTER client (issue 19 part 4) against a real registrar, Kamailio, on real PostgreSQL: digest
 * (SHA-256 and MD5), refresh, a call relayed to the registered Contact, failure with backoff, 423
 * Min-Expires, and the lease passing to another media node when the holder drains or dies.
 */
class TrunkRegistrationTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final byte[] KEY = new byte[32];
    private static final SecretBox BOX = new SecretBox(KEY);
    private static final String CONTACT = "pbr0123456789abcdef0123456789abcdef";

    private TestDb db;

    @BeforeEach
    void database() {
        db = new TestDb();
        Migrations.migrate(db.settings());
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    private MediaPlane node(String id) throws Exception {
        FleetSettings fleet = FleetSettings.defaults();
        RegistrationSettings reg = fleet.registration().withBox(BOX).withPoll(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withBackoff(Duration.ofMillis(200), Duration.ofMillis(800));
        return MediaPlane.start(MediaPlaneFixture.config().withFleet(fleet.withDb(db.settings()).withNodeId(id)
                .withHeartbeat(Duration.ofMillis(500)).withRegistration(reg)));
    }

    private void registration(Kamailio k, String password, int expires) throws SQLException {
        registration(k, password, expires, "udp");
    }

    private void registration(Kamailio k, String password, int expires, String transport) throws SQLException {
        sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_r', 'R', TRUE, CURRENT_TIMESTAMP)");
        sql("INSERT INTO trunks (id, workspace_id, name, direction, host, port, transport, created_at) VALUES "
                + "('trunk_r', 'ws_r', 'PBX', 'outbound', '127.0.0.1', " + k.port + ", 'udp', CURRENT_TIMESTAMP)");
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("INSERT INTO trunk_registrations (trunk_id, "
                + "workspace_id, registrar, transport, username, password_enc, expires, contact_user, revision, created_at, "
                + "state, updated_at) VALUES ('trunk_r', 'ws_r', ?, ?, '1001', ?, ?, ?, 1, CURRENT_TIMESTAMP, "
                + "'unregistered', CURRENT_TIMESTAMP)")) {
            s.setString(1, "sip:127.0.0.1:" + k.port);
            s.setString(2, transport);
            s.setString(3, BOX.seal(password));
            s.setInt(4, expires);
            s.setString(5, CONTACT);
            s.executeUpdate();
        }
    }

    @Test
    void registersWithSha256RefreshesBeforeExpiryAndReceivesACallThroughItsContact() throws Exception {
        try (Kamailio k = Kamailio.start(new Kamailio.Options("1001", "s3cret", "SHA-256", 1, 4, false));
             MediaPlane a = node("reg-a"); TestControl control = new TestControl(a.grpcPort())) {
            registration(k, "s3cret", 3600);
            Await.until(() -> "registered".equals(column("state")), WAIT, () -> "registered: " + row() + "\n" + k.log());
            assertEquals("reg-a", column("holder_node"));
            assertTrue(k.log().contains("algorithm=SHA-256"), "the digest answered SHA-256:\n" + k.log());
            Instant first = Instant.parse(column("expires_at").replace(' ', 'T').replaceAll("\\+00$", "Z"));
            assertTrue(first.isBefore(Instant.now().plusSeconds(10)), "Kamailio's max_expires (4 s) is what counts: " + first);

            // Granted 4 s, so refreshed every 2 s: the binding never lapses.
            long before = a.registrations().orElseThrow().outcomes("registered");
            Await.until(() -> a.registrations().orElseThrow().outcomes("registered") >= before + 2, WAIT, "two refreshes");
            assertEquals(1.0, gauge(a.metrics().registry(), "registered"));

            Await.until(() -> a.hub().connected() == 1, WAIT, "control stream");
            try (SipUdpClient caller = new SipUdpClient(k.port)) {
                caller.request("INVITE", "1001", 1, "inv" + caller.localPort(), null, null,
                        SipUdpClient.sdp(4000, "0", "a=rtpmap:0 PCMU/8000\r\n"));
                ControlEvent offered = control.next(ControlEvent.EventCase.OFFERED, WAIT);
                assertEquals(CONTACT, offered.getOffered().getRequestUser(),
                        "the registrar sent the call to the Contact we registered");
                control.decide(RouteDecision.newBuilder().setCallId(offered.getCallId()).setAnswer(Answer.getDefaultInstance()));
                SipMessage ok = caller.finalResponse(WAIT);
                assertEquals(200, ok.status(), ok.raw());
            }

            // Deleted through the admin API (or with its trunk): the holder removes its Contact.
            sql("DELETE FROM trunk_registrations WHERE trunk_id = 'trunk_r'");
            Await.until(() -> k.log().contains("contact <sip:" + CONTACT) && k.log().contains("expires 0"), WAIT,
                    () -> "REGISTER with Expires: 0:\n" + k.log());
            Await.until(() -> a.registrations().orElseThrow().counts().isEmpty(), WAIT, "the node to hold nothing");
        }
    }

    @Test
    void aNodeThatStopsGivesItsRegistrationUp() throws Exception {
        try (Kamailio k = Kamailio.start(new Kamailio.Options("1001", "pw", "MD5", 1, 3600, false))) {
            try (MediaPlane a = node("reg-stop")) {
                registration(k, "pw", 3600);
                Await.until(() -> "registered".equals(column("state")), WAIT, () -> "registered: " + row());
            }
            assertEquals("[[unregistered, null]]", db.rows("SELECT state, holder_node FROM trunk_registrations").toString());
            assertTrue(k.log().contains("expires 0"), "its Contact removed at the registrar:\n" + k.log());
        }
    }

    @Test
    void aRefusedPasswordFailsWithBackoffUntilTheSettingsChange() throws Exception {
        try (Kamailio k = Kamailio.start(new Kamailio.Options("1001", "right", "MD5", 1, 3600, false));
             MediaPlane a = node("reg-fail")) {
            registration(k, "wrong", 3600);
            Await.until(() -> "failed".equals(column("state")), WAIT, () -> "failed: " + row());
            assertTrue(column("last_error").contains("401"), column("last_error"));
            // 200, 400, 800, 800 ms...: four failures take well over a second, yet happen.
            Await.until(() -> a.registrations().orElseThrow().outcomes("rejected") >= 4, WAIT, "retries");
            assertEquals(1.0, gauge(a.metrics().registry(), "failed"));

            try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                    "UPDATE trunk_registrations SET password_enc = ?, revision = revision + 1")) {
                s.setString(1, BOX.seal("right"));
                s.executeUpdate();
            }
            Await.until(() -> "registered".equals(column("state")), WAIT, () -> "registered after the fix: " + row());
            assertTrue(k.log().contains("algorithm=MD5"), k.log());
        }
    }

    @Test
    void a423OverTcpRaisesTheExpiryToMinExpires() throws Exception {
        try (Kamailio k = Kamailio.start(new Kamailio.Options("1001", "pw", "MD5", 120, 3600, true));
             MediaPlane a = node("reg-423")) {
            registration(k, "pw", 60, "tcp");
            Await.until(() -> "registered".equals(column("state")), WAIT, () -> "registered: " + row() + "\n" + k.log());
            assertEquals(1, a.registrations().orElseThrow().outcomes("too_brief"));
            assertTrue(k.log().contains("REGISTER from 127.0.0.1") && k.log().contains("transport=tcp"), "over TCP:\n" + k.log());
            Instant expires = Instant.parse(column("expires_at").replace(' ', 'T').replaceAll("\\+00$", "Z"));
            assertTrue(expires.isAfter(Instant.now().plusSeconds(100)), "granted Min-Expires, 120 s: " + expires);
        }
    }

    @Test
    void anotherNodeTakesTheRegistrationOverWhenTheHolderDiesOrDrains() throws Exception {
        try (Kamailio k = Kamailio.start(new Kamailio.Options("1001", "pw", "SHA-256", 1, 3600, false))) {
            MediaPlane a = node("reg-1");
            registration(k, "pw", 3600);
            Await.until(() -> "registered".equals(column("state")), WAIT, () -> "registered: " + row());
            assertEquals("reg-1", column("holder_node"));
            try (MediaPlane b = node("reg-2")) {
                Await.holds(() -> "reg-1".equals(column("holder_node")), Duration.ofMillis(800), "one live holder only");

                // A crash: no release, no renewal; the lease (1 s) lapses and reg-2 claims it.
                a.registrations().orElseThrow().abandon();
                a.close();
                Await.until(() -> "reg-2".equals(column("holder_node")) && "registered".equals(column("state")), WAIT,
                        () -> "takeover after a crash: " + row());

                try (MediaPlane c = node("reg-3")) {
                    Await.holds(() -> "reg-2".equals(column("holder_node")), Duration.ofMillis(800), "the holder keeps it");
                    b.drainAndClose(); // releases at once, before its calls drain
                    Await.until(() -> "reg-3".equals(column("holder_node")) && "registered".equals(column("state")), WAIT,
                            () -> "takeover after a drain: " + row());
                }
            }
        }
    }

    private static double gauge(MeterRegistry registry, String state) {
        return registry.get("patchbay.registrations").tag("state", state).gauge().value();
    }

    private String column(String name) {
        List<List<String>> rows = db.rows("SELECT " + name + " FROM trunk_registrations WHERE trunk_id = 'trunk_r'");
        return rows.isEmpty() ? null : rows.getFirst().getFirst();
    }

    private String row() {
        return db.rows("SELECT state, holder_node, lease_until, expires_at, last_error FROM trunk_registrations").toString();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
