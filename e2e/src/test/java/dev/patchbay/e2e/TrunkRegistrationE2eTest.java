package dev.patchbay.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.admin.app.AdminApi;
import dev.patchbay.control.app.ControlPlane;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Kamailio;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 part 4 end to end: a trunk registration set through the admin API is registered by a
 * media node at a real registrar (Kamailio, SHA-256 digest), refreshed, shown with its state by the
 * admin API, and a call the registrar relays to the registered Contact is routed by the control-plane
 * into the trunk's workspace and answered by its echo bot.
 */
class TrunkRegistrationE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTrunkRegistersRefreshesAndReceivesACallThroughItsRegistration() throws Exception {
        try (FleetRig rig = new FleetRig();
             Kamailio registrar = Kamailio.start(new Kamailio.Options("1001", "carrier pw", "SHA-256", 1, 4, false));
             AdminApi admin = AdminApi.start(AdminApi.config(Map.of("patchbay.db.connection.url", rig.db.url(),
                     "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD,
                     "patchbay.admin.server.host", "127.0.0.1", "patchbay.admin.server.port", "0",
                     "patchbay.admin.key", Gateway.ADMIN_KEY, "patchbay.local", "false",
                     "patchbay.secrets.key", Gateway.SECRETS_KEY, "patchbay.var", rig.var.toString())))) {
            MediaPlane node = rig.registeringNode("reg-node");
            ControlPlane control = rig.replica("cp-reg");
            Await.until(() -> FleetRig.connected(control, node), WAIT, "the replica to connect to the node");

            String ws = call(admin, "POST", "/v1/workspaces", "{\"name\":\"Carrier customer\"}").path("id").asText();
            String bot = call(admin, "POST", "/v1/workspaces/" + ws + "/bots", "{\"name\":\"Echo\",\"kind\":\"echo\"}")
                    .path("id").asText();
            call(admin, "POST", "/v1/workspaces/" + ws + "/dids", "{\"number\":\"+14155550100\",\"bot_id\":\"" + bot + "\"}");
            call(admin, "POST", "/v1/workspaces/" + ws + "/dids", "{\"number\":\"1001\",\"bot_id\":\"" + bot + "\"}");
            String trunk = call(admin, "POST", "/v1/workspaces/" + ws + "/trunks", "{\"name\":\"Carrier\",\"host\":\"127.0.0.1\","
                    + "\"port\":" + registrar.port + "}").path("id").asText();
            String registration = "/v1/workspaces/" + ws + "/trunks/" + trunk + "/registration";
            JsonNode put = call(admin, "PUT", registration, "{\"registrar\":\"sip:127.0.0.1:" + registrar.port
                    + "\",\"username\":\"1001\",\"password\":\"carrier pw\",\"expires\":300}");
            assertEquals("unregistered", put.path("state").asText());

            Await.until(() -> "registered".equals(call(admin, "GET", registration, null).path("state").asText()), WAIT,
                    () -> "registered: " + call(admin, "GET", registration, null) + "\n" + registrar.log());
            JsonNode registered = call(admin, "GET", registration, null);
            assertEquals("reg-node", registered.path("holder_node").asText());
            assertTrue(registered.path("last_error").isNull(), registered.toString());
            Instant firstExpiry = Instant.parse(registered.path("expires_at").asText());
            // Kamailio grants 4 s whatever was asked; the node refreshes at half of that.
            Await.until(() -> Instant.parse(call(admin, "GET", registration, null).path("expires_at").asText())
                    .isAfter(firstExpiry.plusSeconds(1)), WAIT, "a refresh to move expires_at on");

            try (SipUdpClient caller = new SipUdpClient(registrar.port)) {
                caller.request("INVITE", "1001", 1, "reginv" + caller.localPort(), null, null,
                        SipUdpClient.sdp(4000, "0", "a=rtpmap:0 PCMU/8000\r\n"));
                SipMessage ok = caller.finalResponse(WAIT);
                assertEquals(200, ok.status(), ok.raw());
                String toTag = ok.header("To").replaceAll(".*;tag=", "");
                caller.request("ACK", "1001", 1, "regack" + caller.localPort(), toTag, null, null);
                Await.until(() -> !rig.rows("SELECT workspace_id FROM calls WHERE workspace_id = '" + ws + "'").isEmpty(),
                        WAIT, "the call's record in the trunk's workspace");
                caller.request("BYE", "1001", 2, "regbye" + caller.localPort(), toTag, null, null);
                assertEquals(200, caller.finalResponseTo("2 BYE", WAIT).status());
            }
            assertEquals("[[" + ws + ", " + bot + "]]", rig.rows("SELECT workspace_id, bot_id FROM calls").toString(),
                    "routed by the registration's Contact into the trunk's workspace, to the DID named by To");
        }
    }

    private static JsonNode call(AdminApi admin, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + Gateway.ADMIN_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
