package dev.patchbay.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.schema.SecretBox;
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

    @BeforeAll
    static void start() throws Exception {
        // SIPp 3.6 answers only the first challenge and knows only MD5; RFC 8760's order (SHA-256 first) is the default.
        gw = new Gateway(Map.of("patchbay.control.sip-auth.algorithms", "MD5,SHA-256"));
        String sealed = new SecretBox(Base64.getDecoder().decode(Gateway.SECRETS_KEY)).seal("s3cret pass");
        workspace("ws_allow", "trunk-allow", "'127.0.0.1/32'", "NULL", "NULL");
        workspace("ws_deny", "trunk-deny", "'10.0.0.0/8'", "NULL", "NULL");
        workspace("ws_digest", "trunk-digest", "'10.0.0.0/8'", "'cc-user'", "'" + sealed + "'");
        workspace("ws_wrong", "trunk-wrong", "'10.0.0.0/8'", "'cc-user'", "'" + sealed + "'");
        Await.until(() -> gw.control.links().get(0).connected(), WAIT, "control-plane connected");
    }

    private static void workspace(String id, String did, String cidrs, String username, String passwordEnc) {
        gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('" + id + "', 'T', TRUE, CURRENT_TIMESTAMP)",
                "INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_" + id + "', '" + id
                        + "', 'Echo', 'echo', CURRENT_TIMESTAMP)",
                "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_" + id + "', '" + id + "', '"
                        + did + "', 'bot_" + id + "', CURRENT_TIMESTAMP)",
                "INSERT INTO trunks (id, workspace_id, name, direction, allowed_cidrs, transports, username, password_enc,"
                        + " created_at) VALUES ('tr_" + id + "', '" + id + "', 'PBX', 'inbound', " + cidrs + ", 'udp,tcp', "
                        + username + ", " + passwordEnc + ", CURRENT_TIMESTAMP)");
    }

    @AfterAll
    static void stop() {
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
        try (var c = java.sql.DriverManager.getConnection(gw.db.url(), dev.patchbay.schema.testing.TestDb.USER,
                dev.patchbay.schema.testing.TestDb.PASSWORD);
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
}
