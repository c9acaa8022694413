package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inbound trunk security with real SIPp over loopback (source 127.0.0.1, UDP): an allowed CIDR lets the
 * call through, a CIDR that excludes the caller gets 403, digest credentials answer the 401 challenge
 * (SIPp computes MD5), and wrong ones get 403.
 */
class TrunkSecurityE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static Gateway gw;
    private static AdminUnderTest admin;
    private static String reloadTrunk;

    @BeforeAll
    static void start() throws Exception {
        // SIPp 3.6 answers only the first challenge and knows only MD5; RFC 8760's order (SHA-256 first) is the default.
        gw = new Gateway(Map.of("patchbay.control.sip-auth.algorithms", "MD5,SHA-256"));
        admin = AdminUnderTest.start(ModuleConfig.of("admin-api", Map.of(
                "patchbay.db.connection.url", gw.db.url(),
                "patchbay.db.connection.username", TestDb.USER,
                "patchbay.db.connection.password", TestDb.PASSWORD), Map.of(
                "patchbay.admin.server.host", "127.0.0.1",
                "patchbay.admin.server.port", "0",
                "patchbay.admin.key", "e2e-operator-key",
                "patchbay.secrets.key", Gateway.SECRETS_KEY,
                "patchbay.var", gw.var.toString(),
                "patchbay.demo.seed", "false")));
        // Trunks go in through the admin API, so the password the control-plane opens is the one the API sealed.
        workspace("ws_allow", "trunk-allow", "{\"allowed_cidrs\":[\"127.0.0.1/32\"],\"transports\":[\"udp\",\"tcp\"]}");
        workspace("ws_deny", "trunk-deny", "{\"allowed_cidrs\":[\"10.0.0.0/8\"]}");
        String digest = "{\"allowed_cidrs\":[\"10.0.0.0/8\"],\"username\":\"cc-user\",\"password\":\"s3cret pass\"}";
        workspace("ws_digest", "trunk-digest", digest);
        workspace("ws_wrong", "trunk-wrong", digest);
        workspace("ws_sha", "trunk-sha", digest);
        reloadTrunk = workspace("ws_reload", "trunk-reload", "{\"allowed_cidrs\":[\"10.0.0.0/8\"]}");
        gw.awaitConnected(WAIT);
    }

    /** A workspace whose echo bot answers {@code did}, with one inbound trunk made of {@code rules}; returns the trunk's path. */
    private static String workspace(String id, String did, String rules) throws Exception {
        gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + id + "', 'T', TRUE, CURRENT_TIMESTAMP)",
                "INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_" + id + "', '" + id
                        + "', 'Echo', 'echo', CURRENT_TIMESTAMP)",
                "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_" + id + "', '" + id + "', '"
                        + did + "', 'bot_" + id + "', CURRENT_TIMESTAMP)");
        String path = "/v1/workspaces/" + id + "/trunks";
        HttpResponse<String> created = admin.post(path, "{\"name\":\"PBX\",\"direction\":\"inbound\","
                + rules.substring(1));
        assertEquals(201, created.statusCode(), created.body());
        return created.headers().firstValue("Location").orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        gw.close();
    }

    private static Sipp.Result sipp(String did, String scenario, String... extra) throws Exception {
        List<String> args = new ArrayList<>(scenario.startsWith("-sn") ? List.of("-sn", scenario.substring(4))
                : List.of("-sf", Path.of("src/test/resources/sipp", scenario).toAbsolutePath().toString()));
        args.addAll(List.of("127.0.0.1:" + gw.sipPort, "-s", did, "-m", "1", "-d", "500", "-i", "127.0.0.1",
                "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mp", Integer.toString(Ports.rtpBase(2))));
        args.addAll(List.of(extra));
        return Sipp.run(Sipp.workDir(), args);
    }

    /** Status, SIP status and reason of the workspace's calls, oldest first. */
    private static List<String> outcomes(String workspace) {
        List<String> out = new ArrayList<>();
        try (var c = java.sql.DriverManager.getConnection(gw.db.url(), TestDb.USER, TestDb.PASSWORD);
             var s = c.prepareStatement("SELECT status, sip_status, reason FROM calls WHERE workspace_id = ? ORDER BY created_at, id")) {
            s.setString(1, workspace);
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1) + " " + r.getInt(2) + " " + r.getString(3));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void aSourceInTheTrunksCidrIsAnswered() throws Exception {
        Sipp.Result r = sipp("trunk-allow", "-sn uac");
        assertEquals(0, r.exitCode(), r.output());
    }

    @Test
    void aSourceOutsideEveryCidrWithoutDigestGets403NamingTheSource() throws Exception {
        Sipp.Result r = sipp("trunk-deny", "uac_403.xml");
        assertEquals(0, r.exitCode(), r.output());
        List<String> calls = outcomes("ws_deny");
        assertEquals(1, calls.size(), calls.toString());
        assertTrue(calls.get(0).contains("403 source 127.0.0.1 is not allowed to call workspace ws_deny"), calls.toString());
    }

    @Test
    void digestCredentialsAnswerTheChallengeAndTheCallIsAnswered() throws Exception {
        Sipp.Result r = sipp("trunk-digest", "uac_digest.xml", "-au", "cc-user", "-ap", "s3cret pass");
        assertEquals(0, r.exitCode(), r.output());
        Await.until(() -> outcomes("ws_digest").size() == 2 && outcomes("ws_digest").get(1).startsWith("completed"), WAIT,
                "both INVITEs recorded and the answered call completed: " + outcomes("ws_digest"));
        List<String> calls = outcomes("ws_digest");
        assertTrue(calls.get(0).contains(" 401 "), "the first INVITE was challenged: " + calls);
        assertTrue(calls.get(1).startsWith("completed"), "the second was answered and completed: " + calls);
    }

    @Test
    void aWrongPasswordGets403() throws Exception {
        Sipp.Result r = sipp("trunk-wrong", "uac_digest_403.xml", "-au", "cc-user", "-ap", "not the password");
        assertEquals(0, r.exitCode(), r.output());
        List<String> calls = outcomes("ws_wrong");
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(1).contains("403 digest credentials do not match any inbound trunk of workspace ws_wrong"),
                calls.toString());
    }

    @Test
    void anAllowListChangedThroughTheAdminApiAppliesToTheNextInvite() throws Exception {
        assertEquals(0, sipp("trunk-reload", "uac_403.xml").exitCode(), "10.0.0.0/8 does not hold 127.0.0.1");
        HttpResponse<String> opened = admin.patch(reloadTrunk, "{\"allowed_cidrs\":[\"10.0.0.0/8\",\"127.0.0.1/32\"]}");
        assertEquals(200, opened.statusCode(), opened.body());
        Sipp.Result answered = sipp("trunk-reload", "-sn uac");
        assertEquals(0, answered.exitCode(), "the next INVITE after the change is answered: " + answered.output());
        HttpResponse<String> closed = admin.patch(reloadTrunk, "{\"allowed_cidrs\":[\"10.0.0.0/8\"]}");
        assertEquals(200, closed.statusCode(), closed.body());
        Sipp.Result refused = sipp("trunk-reload", "uac_403.xml");
        assertEquals(0, refused.exitCode(), "and the one after closing it again is refused: " + refused.output());
    }

    /** SIPp only knows MD5: a raw SIP peer over TCP answers the SHA-256 challenge (RFC 8760) instead. */
    @Test
    void bothChallengesArriveAndASha256AnswerOverTcpIsAnswered() throws Exception {
        try (SipTcpPeer peer = new SipTcpPeer(gw.sipPort)) {
            String uri = "sip:trunk-sha@127.0.0.1:" + gw.sipPort + ";transport=tcp";
            String via = "Via: SIP/2.0/TCP 127.0.0.1:" + peer.localPort() + ";branch=z9hG4bK-";
            String dialog = "Max-Forwards: 70\r\nFrom: <sip:pbx@127.0.0.1>;tag=pbx1\r\nCall-ID: " + java.util.UUID.randomUUID()
                    + "@pbx.test\r\n";
            String sdp = "v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + Ports.rtpBase(2) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
            String invite = "INVITE " + uri + " SIP/2.0\r\n%sinv%d\r\n" + dialog + "To: <sip:trunk-sha@127.0.0.1>\r\n"
                    + "CSeq: %d INVITE\r\nContact: <sip:pbx@127.0.0.1:" + peer.localPort() + ";transport=tcp>\r\n%s"
                    + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
            peer.send(String.format(invite, via, 1, 1, ""));
            SipTcpPeer.Msg challenge = peer.next(WAIT);
            assertEquals(401, challenge.status(), challenge.toString());
            List<String> www = challenge.all("WWW-Authenticate");
            assertEquals(2, www.size(), "one challenge per algorithm: " + challenge);
            assertTrue(www.get(0).endsWith("algorithm=MD5") && www.get(1).endsWith("algorithm=SHA-256"), www.toString());
            peer.send("ACK " + uri + " SIP/2.0\r\n" + via + "inv1\r\n" + dialog + "To: " + challenge.header("to")
                    + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");

            String nonce = www.get(1).replaceFirst(".*nonce=\"([^\"]+)\".*", "$1");
            String response = dev.patchbay.control.trunk.SipDigest.response(dev.patchbay.control.trunk.SipDigest.Algorithm.SHA_256,
                    "cc-user", "patchbay", "s3cret pass", "INVITE", uri, nonce, "00000001", "c0ffee", "auth");
            peer.send(String.format(invite, via, 2, 2, "Authorization: Digest username=\"cc-user\", realm=\"patchbay\", nonce=\""
                    + nonce + "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=SHA-256, qop=auth, nc=00000001,"
                    + " cnonce=\"c0ffee\"\r\n"));
            SipTcpPeer.Msg ok = peer.next(WAIT);
            assertEquals(200, ok.status(), ok.toString());
            peer.send("ACK " + uri + " SIP/2.0\r\n" + via + "ack2\r\n" + dialog + "To: " + ok.header("to")
                    + "\r\nCSeq: 2 ACK\r\nContent-Length: 0\r\n\r\n");
            peer.send("BYE " + uri + " SIP/2.0\r\n" + via + "bye3\r\n" + dialog + "To: " + ok.header("to")
                    + "\r\nCSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n");
            assertEquals(200, peer.next(WAIT).status());
        }
        Await.until(() -> outcomes("ws_sha").size() == 2 && outcomes("ws_sha").get(1).startsWith("completed"), WAIT,
                "the challenged INVITE and the answered call: " + outcomes("ws_sha"));
    }
}
