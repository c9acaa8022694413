package dev.patchbay.control.trunk;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.control.model.Route;
import dev.patchbay.control.store.InboundTrunks;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.SipHeader;
import dev.patchbay.proto.media.v1.SocketAddress;
import dev.patchbay.proto.media.v1.Transport;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inbound trunk enforcement on the real PostgreSQL: sources, transports, and the digest handshake in
 * both RFC 8760 algorithms, computed here the way a caller would from the challenge.
 */
class TrunkGuardTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final AtomicReference<Instant> NOW = new AtomicReference<>(T0);
    private static final String URI = "sip:+15550100@gw.example:5060";
    private static TestDb db;
    private static DbClient client;
    private static TrunkGuard guard;
    private static Clock clock;
    private static SecretBox box;

    @BeforeAll
    static void setUp() throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        box = new SecretBox(new byte[32]);
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            for (String ws : List.of("ws_open", "ws_cidr", "ws_tls", "ws_digest")) {
                s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + ws + "', 'W', TRUE, CURRENT_TIMESTAMP)");
            }
            // An outbound trunk does not make a workspace closed.
            s.execute("INSERT INTO trunks (id, workspace_id, name, host, port, transport, created_at) VALUES ('tr_out', 'ws_open',"
                    + " 'Carrier', 'sip.example', 5060, 'udp', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO trunks (id, workspace_id, name, direction, allowed_cidrs, transports, created_at, dtmf_mode) VALUES "
                    + "('tr_cidr', 'ws_cidr', 'PBX', 'inbound', '203.0.113.0/24, 2001:db8::/32', 'udp,tcp', CURRENT_TIMESTAMP, 'inband')");
            s.execute("INSERT INTO trunks (id, workspace_id, name, direction, allowed_cidrs, tls_required, created_at) VALUES "
                    + "('tr_tls', 'ws_tls', 'PBX', 'inbound', '203.0.113.0/24', TRUE, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO trunks (id, workspace_id, name, direction, allowed_cidrs, username, password_enc, created_at)"
                    + " VALUES ('tr_digest', 'ws_digest', 'CC', 'inbound', '198.51.100.7', 'cc-user', '" + box.seal("s3cret pass")
                    + "', CURRENT_TIMESTAMP)");
        }
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml")))
                .build();
        client = DbClient.create(config.get("patchbay.db"));
        clock = new dev.patchbay.control.testing.SteerableClock(NOW);
        guard = TrunkGuard.create(client, box, SipAuthConfig.from(config), clock);
    }

    @AfterAll
    static void tearDown() {
        client.close();
        db.close();
    }

    private static CallOffered invite(String ip, Transport transport, String... authorization) {
        CallOffered.Builder b = CallOffered.newBuilder().setRequestUri(URI).setRequestUser("+15550100")
                .setSource(SocketAddress.newBuilder().setIp(ip).setPort(5060)).setTransport(transport);
        for (String a : authorization) {
            b.addHeaders(SipHeader.newBuilder().setName("Authorization").setValue(a));
        }
        return b.build();
    }

    private static Route.Reject refused(TrunkGuard.Verdict v, int status) {
        Route.Reject r = assertInstanceOf(TrunkGuard.Verdict.Refuse.class, v).reject();
        assertEquals(status, r.sipStatus(), r.reason());
        return r;
    }

    /** What a caller sends after a challenge: the response computed from the challenge's own nonce. */
    private static String answer(Route.Reject challenge, SipDigest.Algorithm algorithm, String user, String password, String uri) {
        String header = challenge.headers().stream().filter(h -> h.value().endsWith("algorithm=" + algorithm.wire())
                || h.value().contains("algorithm=" + algorithm.wire() + ",")).findFirst().orElseThrow().value();
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(header);
        assertTrue(m.find(), header);
        String nonce = m.group(1);
        String response = SipDigest.response(algorithm, user, "patchbay", password, "INVITE", uri, nonce, "00000001",
                "0a4f113b", "auth");
        return "Digest username=\"" + user + "\", realm=\"patchbay\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + algorithm.wire() + ", qop=auth, nc=00000001, cnonce=\"0a4f113b\"";
    }

    @Test
    void aWorkspaceWithoutInboundTrunksStaysOpen() {
        assertInstanceOf(TrunkGuard.Verdict.Open.class, guard.check(invite("192.0.2.99", Transport.UDP), "ws_open"));
    }

    @Test
    void aListedSourceOverAnAllowedTransportIsAdmittedAndNothingElse() {
        assertEquals(dev.patchbay.control.model.TrunkDtmfMode.INBAND, assertInstanceOf(TrunkGuard.Verdict.Admit.class,
                guard.check(invite("203.0.113.45", Transport.UDP), "ws_cidr")).dtmfMode(), "the admitting trunk's DTMF mode");
        assertInstanceOf(TrunkGuard.Verdict.Admit.class, guard.check(invite("2001:db8::1", Transport.TCP), "ws_cidr"));
        Route.Reject outside = refused(guard.check(invite("192.0.2.1", Transport.UDP), "ws_cidr"), 403);
        assertTrue(outside.reason().contains("source 192.0.2.1 is not allowed to call workspace ws_cidr"), outside.reason());
        assertTrue(outside.headers().isEmpty(), "no challenge without credentials to check");
        Route.Reject tls = refused(guard.check(invite("203.0.113.45", Transport.TLS), "ws_cidr"), 403);
        assertTrue(tls.reason().contains("transport tls is not allowed on inbound trunk tr_cidr (allowed: "), tls.reason());
    }

    @Test
    void tlsRequiredRefusesUdpFromAListedSource() {
        assertInstanceOf(TrunkGuard.Verdict.Admit.class, guard.check(invite("203.0.113.45", Transport.TLS), "ws_tls"));
        Route.Reject udp = refused(guard.check(invite("203.0.113.45", Transport.UDP), "ws_tls"), 403);
        assertTrue(udp.reason().contains("TLS is required"), udp.reason());
    }

    @Test
    void anUnlistedSourceIsChallengedInBothAlgorithmsAndEachAnswerIsAdmitted() {
        assertInstanceOf(TrunkGuard.Verdict.Admit.class, guard.check(invite("198.51.100.7", Transport.UDP), "ws_digest"));
        Route.Reject challenge = refused(guard.check(invite("192.0.2.1", Transport.UDP), "ws_digest"), 401);
        assertEquals(2, challenge.headers().size(), challenge.headers().toString());
        assertEquals("WWW-Authenticate", challenge.headers().get(0).name());
        assertTrue(challenge.headers().get(0).value().startsWith("Digest realm=\"patchbay\", nonce=\""), challenge.headers().toString());
        assertTrue(challenge.headers().get(0).value().endsWith("qop=\"auth\", algorithm=SHA-256"), "SHA-256 is preferred");
        assertTrue(challenge.headers().get(1).value().endsWith("algorithm=MD5"));
        for (SipDigest.Algorithm a : SipDigest.Algorithm.values()) {
            TrunkGuard.Verdict v = guard.check(invite("192.0.2.1", Transport.UDP,
                    answer(challenge, a, "cc-user", "s3cret pass", URI)), "ws_digest");
            assertTrue(assertInstanceOf(TrunkGuard.Verdict.Admit.class, v).how().contains("digest " + a.wire()), v.toString());
            assertEquals(dev.patchbay.control.model.TrunkDtmfMode.AUTO, ((TrunkGuard.Verdict.Admit) v).dtmfMode(), "the default");
        }
    }

    @Test
    void wrongCredentialsOrAnotherRequestUriAre403() {
        Route.Reject challenge = refused(guard.check(invite("192.0.2.1", Transport.UDP), "ws_digest"), 401);
        Route.Reject wrong = refused(guard.check(invite("192.0.2.1", Transport.UDP,
                answer(challenge, SipDigest.Algorithm.MD5, "cc-user", "guess", URI)), "ws_digest"), 403);
        assertTrue(wrong.reason().contains("digest credentials do not match any inbound trunk of workspace ws_digest"),
                wrong.reason());
        assertTrue(!wrong.reason().contains("guess") && !wrong.reason().contains("s3cret"), wrong.reason());
        refused(guard.check(invite("192.0.2.1", Transport.UDP,
                answer(challenge, SipDigest.Algorithm.SHA_256, "someone", "s3cret pass", URI)), "ws_digest"), 403);
        // A header captured from a call to one number does not open a call to another.
        refused(guard.check(invite("192.0.2.1", Transport.UDP,
                answer(challenge, SipDigest.Algorithm.SHA_256, "cc-user", "s3cret pass", "sip:other@gw.example:5060")),
                "ws_digest"), 403);
        // The bare host:port of the Request-URI is what SIPp signs; it is accepted.
        assertInstanceOf(TrunkGuard.Verdict.Admit.class, guard.check(invite("192.0.2.1", Transport.UDP,
                answer(challenge, SipDigest.Algorithm.MD5, "cc-user", "s3cret pass", "sip:gw.example:5060")), "ws_digest"));
        assertTrue(!TrunkGuard.sameUri("sip:gw.example", URI) && !TrunkGuard.sameUri("sips:gw.example:5060", URI)
                && TrunkGuard.sameUri("SIP:+15550100@GW.example:5060", URI));
        // Nor does a nonce Patchbay never issued.
        String forged = answer(challenge, SipDigest.Algorithm.MD5, "cc-user", "s3cret pass", URI)
                .replaceFirst("nonce=\"[^\"]+\"", "nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"");
        refused(guard.check(invite("192.0.2.1", Transport.UDP, forged), "ws_digest"), 403);
    }

    @Test
    void anExpiredNonceWithTheRightPasswordIsChallengedAgainAsStale() {
        Route.Reject challenge = refused(guard.check(invite("192.0.2.1", Transport.UDP), "ws_digest"), 401);
        String late = answer(challenge, SipDigest.Algorithm.SHA_256, "cc-user", "s3cret pass", URI);
        NOW.set(T0.plus(Duration.ofMinutes(6)));
        try {
            Route.Reject stale = refused(guard.check(invite("192.0.2.1", Transport.UDP, late), "ws_digest"), 401);
            assertTrue(stale.headers().get(0).value().endsWith(", stale=true"), stale.headers().toString());
            refused(guard.check(invite("192.0.2.1", Transport.UDP,
                    answer(challenge, SipDigest.Algorithm.SHA_256, "cc-user", "guess", URI)), "ws_digest"), 403);
        } finally {
            NOW.set(T0);
        }
    }

    @Test
    void onlyTheConfiguredAlgorithmsAreOfferedAndAccepted() {
        TrunkGuard md5Only = TrunkGuard.create(client, box, new SipAuthConfig("patchbay", Duration.ofMinutes(5),
                List.of(SipDigest.Algorithm.MD5)), clock);
        Route.Reject challenge = refused(md5Only.check(invite("192.0.2.1", Transport.UDP), "ws_digest"), 401);
        assertEquals(1, challenge.headers().size(), challenge.headers().toString());
        String sha = answer(challenge, SipDigest.Algorithm.MD5, "cc-user", "s3cret pass", URI).replace("algorithm=MD5", "algorithm=SHA-256");
        String nonce = sha.replaceFirst(".*?, nonce=\"([^\"]+)\".*", "$1");
        sha = sha.replaceFirst("response=\"[0-9a-f]+\"", "response=\"" + SipDigest.response(SipDigest.Algorithm.SHA_256,
                "cc-user", "patchbay", "s3cret pass", "INVITE", URI, nonce, "00000001", "0a4f113b", "auth") + "\"");
        // An answer in an algorithm not offered is challenged again, with what is offered.
        assertEquals(1, refused(md5Only.check(invite("192.0.2.1", Transport.UDP, sha), "ws_digest"), 401).headers().size());
        assertInstanceOf(TrunkGuard.Verdict.Admit.class, guard.check(invite("192.0.2.1", Transport.UDP, sha), "ws_digest"),
                "the same answer is good where SHA-256 is offered");
    }

    @Test
    void trunksAreReadPerCallSoAChangeAppliesToTheNextInvite() throws Exception {
        InboundTrunks trunks = new InboundTrunks(client);
        assertEquals(1, trunks.of("ws_cidr").size());
        refused(guard.check(invite("192.0.2.1", Transport.UDP), "ws_cidr"), 403);
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute("UPDATE trunks SET allowed_cidrs = '203.0.113.0/24, 192.0.2.0/24' WHERE id = 'tr_cidr'");
            assertInstanceOf(TrunkGuard.Verdict.Admit.class, guard.check(invite("192.0.2.1", Transport.UDP), "ws_cidr"));
            s.execute("UPDATE trunks SET allowed_cidrs = '203.0.113.0/24, 2001:db8::/32' WHERE id = 'tr_cidr'");
        }
        refused(guard.check(invite("192.0.2.1", Transport.UDP), "ws_cidr"), 403);
    }
}
