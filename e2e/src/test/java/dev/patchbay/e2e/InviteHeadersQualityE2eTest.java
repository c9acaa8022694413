package dev.patchbay.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.quality.CallQuality;
import dev.patchbay.metrics.quality.EModel;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 21's call page, end to end: a SIPp call with a carrier's headers and 3 s of RTP reaches the echo bot
 * through the real media-plane, control-plane and PostgreSQL, hangs up, and its record read through the admin
 * API has the INVITE's headers in order (never its Proxy-Authorization) and the quality its hang-up measured.
 */
class InviteHeadersQualityE2eTest {

    private static final Logger LOG = Logger.getLogger(InviteHeadersQualityE2eTest.class.getName());
    private static final String DID = "+15550009876";

    @Test
    void aSippCallsHeadersAndQualityAreOnItsRecordButNotItsCredentials() throws Exception {
        try (Gateway gw = new Gateway(Map.of())) {
            gw.awaitConnected(Duration.ofSeconds(10));
            gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_hdr', 'Headers', TRUE, CURRENT_TIMESTAMP)",
                    "INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_hdr', 'ws_hdr', 'Echo', 'echo',"
                            + " CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_hdr', 'ws_hdr', '" + DID
                            + "', 'bot_hdr', CURRENT_TIMESTAMP)");
            String customer = "cust-" + Long.toHexString(System.nanoTime());
            String secret = "6629fae49393a05397450978507c4ef1";
            Path dir = Sipp.workDir();
            Sipp.Result sipp = Sipp.run(dir, List.of("-sf", Path.of("src/test/resources/sipp/uac_sip_headers.xml")
                    .toAbsolutePath().toString(), "127.0.0.1:" + gw.sipPort, "-s", DID, "-m", "1",
                    "-key", "customer", customer, "-key", "secret", secret,
                    "-i", "127.0.0.1", "-p", Integer.toString(SippPorts.freePort()), "-mp", Integer.toString(SippPorts.freeEvenPort())));
            assertEquals(0, sipp.exitCode(), sipp.output());
            Await.until(() -> gw.sqlValue("SELECT id FROM calls WHERE workspace_id = 'ws_hdr' AND ended_at IS NOT NULL") != null,
                    Duration.ofSeconds(15), "the call's record to end");
            String id = gw.sqlValue("SELECT id FROM calls WHERE workspace_id = 'ws_hdr'");

            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gw.adminPort() + "/v1/workspaces/ws_hdr/calls/" + id)).header("Authorization", "Bearer " + Gateway.ADMIN_KEY)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode call = new ObjectMapper().readTree(r.body());
            JsonNode headers = call.path("sip_headers");
            List<String> names = headers.findValuesAsText("name");
            // Ordered as SIPp sent them; jain-sip reports each name once with its repeats, by first appearance.
            assertTrue(names.indexOf("User-Agent") < names.indexOf("P-Asserted-Identity")
                    && names.indexOf("P-Asserted-Identity") < names.indexOf("Diversion")
                    && names.indexOf("Diversion") < names.indexOf("X-Customer-Id"), names.toString());
            assertEquals("Carrier SBC 9.1 (e2e)", value(headers, "User-Agent"));
            assertEquals("\"Alice\" <sip:+15550001111@carrier.example>", value(headers, "P-Asserted-Identity"));
            assertEquals(customer, value(headers, "X-Customer-Id"));
            assertFalse(names.stream().anyMatch(n -> n.equalsIgnoreCase("Proxy-Authorization")), names.toString());
            assertFalse(r.body().contains(secret), "the API shows the digest response: " + r.body());
            assertFalse(gw.sqlValue("SELECT CAST(sip_headers AS VARCHAR) FROM calls WHERE id = '" + id + "'").contains(secret),
                    "the record stores the digest response");

            JsonNode q = call.path("quality");
            LOG.info(() -> "call " + id + ": " + names.size() + " headers stored " + names + ", quality " + q);
            long expected = q.path("packets_expected").asLong();
            assertTrue(expected >= 100, "3 s of 20 ms packets, counted by the media-plane: " + q);
            double loss = q.path("packet_loss").asDouble();
            double jitter = q.path("jitter_ms").asDouble();
            // The stored estimate is the E-model's for the stored figures and the shipped 60 ms of base delay.
            assertEquals(CallQuality.round(EModel.mos(loss, jitter, 60), 2), q.path("mos").asDouble(), 0.011, q.toString());
            assertTrue(q.path("mos").asDouble() > 3.5, "a loopback call is a good call: " + q);
        }
    }

    private static String value(JsonNode headers, String name) {
        for (JsonNode h : headers) {
            if (h.path("name").asText().equals(name)) {
                return h.path("value").asText();
            }
        }
        throw new AssertionError(name + " is not among the stored headers: " + headers);
    }
}
