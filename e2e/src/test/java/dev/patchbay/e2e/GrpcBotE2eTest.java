package dev.patchbay.e2e;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A bot of kind grpc: the call is answered at once, and the bot reads its attach token from the API. */
class GrpcBotE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aGrpcBotAttachesWithTheTokenFromTheApi() throws Exception {
        try (Gateway gw = new Gateway(Map.of())) {
            String key = gw.workspaceWithKey("ws_g", true);
            gw.sql("INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_g', 'ws_g', 'G', 'grpc', CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_g', 'ws_g', '+15550001', 'bot_g', CURRENT_TIMESTAMP)");
            gw.awaitConnected(WAIT);
            try (SipUdpClient sip = new SipUdpClient(gw.sipPort);
                 DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 TestControl bots = new TestControl(gw.media.grpcPort())) {
                sip.request("INVITE", "+15550001", 1, "g1", null, null, SipUdpClient.sdp(rtp.getLocalPort(), "0",
                        "a=rtpmap:0 PCMU/8000\r\n"));
                SipUdpClient.SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
                assertEquals(200, ok.status());
                sip.request("ACK", "+15550001", 1, "g1ack", ok.header("To").replaceAll(".*;tag=", ""), null, null);
                String id = gw.media.calls().active().get(0).id();
                Await.until(() -> gw.eventTypes(id).contains("in-progress"), WAIT, "the call record to be in progress");
                JsonNode call = JSON.readTree(gw.http("GET", "/v1/calls/" + id, key, null).body());
                assertEquals("in-progress", call.get("status").asText(), call.toString());
                JsonNode grpc = call.get("grpc");
                assertEquals(gw.control.links().get(0).node(), grpc.get("media_node").asText());
                TestControl.Bot bot = bots.attach(id, grpc.get("attach_token").asText(), AudioFormat.L16_16K);
                assertEquals(AudioFormat.L16_16K, bot.next(CallerToBot.MessageCase.ATTACHED, WAIT).getAttached().getFormat());
                String other = gw.workspaceWithKey("ws_other", true);
                assertEquals(404, gw.http("GET", "/v1/calls/" + id, other, null).statusCode(),
                        "another workspace's key never sees the token");
            }
        }
    }
}
