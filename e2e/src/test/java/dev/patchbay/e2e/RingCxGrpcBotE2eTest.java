package dev.patchbay.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.FarEndInfo;
import dev.patchbay.proto.media.v1.InfoResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RingCX's INFO {@code final} as a bot command of a gRPC bot (contract v1.6, FarEndInfo): a SIP peer over TCP
 * plays RingCX, the bot attaches with the token from the API, sends data that reaches the peer as INFO
 * application/json byte for byte, has an oversized INFO refused without it being sent, and finishes with a
 * final INFO; then it completes its stream and RingCX, not Patchbay, sends the BYE.
 */
class RingCxGrpcBotE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aGrpcBotsFinalInfoReachesRingCxAndRingCxEndsTheCall() throws Exception {
        try (Gateway gw = new Gateway(Map.of())) {
            String key = gw.workspaceWithKey("ws_rg", true);
            RingCxDialog.provision(gw, "ws_rg", "grpc", null, "rcx-grpc");
            gw.awaitConnected(WAIT);
            try (SipTcpPeer ringcx = new SipTcpPeer(gw.sipPort)) {
                RingCxDialog dialog = RingCxDialog.answered(ringcx, gw.sipPort, "rcx-grpc", WAIT);
                String id = gw.media.calls().active().get(0).id();
                Await.until(() -> gw.eventTypes(id).contains("in-progress"), WAIT, "the call record to be in progress");
                JsonNode grpc = JSON.readTree(gw.http("GET", "/v1/calls/" + id, key, null).body()).get("grpc");
                try (TestControl media = new TestControl(gw.media.grpcPort())) {
                    TestControl.Bot bot = media.attach(id, grpc.get("attach_token").asText(), AudioFormat.L16_8K);
                    bot.next(CallerToBot.MessageCase.ATTACHED, WAIT);

                    String data = "{\"intent\":\"billing\",\"slots\":{\"account\":\"A-1\"}}";
                    send(bot, data, false);
                    SipTcpPeer.Msg info = ringcx.next(WAIT);
                    assertTrue(info.isRequest("INFO"), info.toString());
                    assertEquals("application/json", info.header("content-type"));
                    assertEquals(data, info.body());
                    ringcx.ok(info);
                    InfoResult sent = bot.next(CallerToBot.MessageCase.INFO_RESULT, WAIT).getInfoResult();
                    assertEquals(200, sent.getSipStatus());
                    assertEquals("", sent.getError());

                    send(bot, "{\"transcript\":\"" + "x".repeat(300) + "\"}", false);
                    InfoResult refused = bot.next(CallerToBot.MessageCase.INFO_RESULT, WAIT).getInfoResult();
                    assertEquals(0, refused.getSipStatus(), "not sent");
                    assertTrue(refused.getError().contains("over this call's limit of 200 bytes"), refused.getError());

                    String last = "{\"final\":true,\"intent\":\"agent\"}";
                    send(bot, last, true);
                    SipTcpPeer.Msg fin = ringcx.next(WAIT);
                    assertEquals(last, fin.body(), "the oversized INFO was never sent; the final one came next");
                    ringcx.ok(fin);
                    InfoResult done = bot.next(CallerToBot.MessageCase.INFO_RESULT, WAIT).getInfoResult();
                    assertTrue(done.getIsFinal() && done.getSipStatus() == 200, done.toString());
                    Await.until(() -> gw.eventTypes(id).contains("handed-back"), WAIT, "the final INFO to hand the call back");
                    bot.send.onCompleted(); // the bot is done: this would hang up a call without a final INFO

                    assertNull(ringcx.poll(Duration.ofSeconds(2)), "Patchbay sent nothing after the final INFO");
                    dialog.bye(WAIT);
                }
                Await.until(() -> gw.eventTypes(id).contains("completed"), WAIT, "the call record to be completed");
                List<String> events = gw.eventTypes(id);
                assertEquals(2, events.stream().filter("info-result"::equals).count(), events.toString());
                assertFalse(events.contains("far-end-bye-timeout"), events.toString());
                assertEquals("caller_bye", JSON.readTree(gw.http("GET", "/v1/calls/" + id, key, null).body())
                        .get("hangup_cause").asText(), "RingCX ended the call");
            }
        }
    }

    private static void send(TestControl.Bot bot, String json, boolean isFinal) {
        bot.send.onNext(BotToCaller.newBuilder().setInfo(FarEndInfo.newBuilder()
                .setJson(ByteString.copyFrom(json, StandardCharsets.UTF_8)).setIsFinal(isFinal)).build());
    }
}
