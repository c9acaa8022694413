package dev.patchbay.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RingCX's INFO {@code final} as a webhook bot's answer: the platform answers TwiML with an {@code <Info>} verb
 * after {@code <Connect><Stream>}; when the bot closes its stream, the SIP peer playing RingCX gets that JSON as
 * INFO application/json, Patchbay keeps the call up, and RingCX sends the BYE.
 */
class RingCxWebhookBotE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void theAnswersInfoIsSentWhenTheStreamEndsAndRingCxEndsTheCall() throws Exception {
        String last = "{\"final\":true,\"intent\":\"agent\",\"slots\":{\"account\":\"A-1\"}}";
        try (Gateway gw = new Gateway(Map.of()); BotServer bot = new BotServer()) {
            HttpServer platform = RingCxDialog.platform("<Response><Connect><Stream url=\"" + bot.url() + "\"/></Connect><Info>"
                    + last + "</Info></Response>");
            try {
                gw.workspaceWithKey("ws_rw", true);
                RingCxDialog.provision(gw, "ws_rw", "webhook", "http://127.0.0.1:" + platform.getAddress().getPort() + "/hook",
                        "rcx-hook");
                gw.awaitConnected(WAIT);
                try (SipTcpPeer ringcx = new SipTcpPeer(gw.sipPort)) {
                    RingCxDialog dialog = RingCxDialog.answered(ringcx, gw.sipPort, "rcx-hook", WAIT);
                    BotServer.Conn conn = bot.next(WAIT);
                    String callSid = JSON.readTree(conn.next(String.class, m -> m.contains("\"start\""), WAIT))
                            .get("start").get("callSid").asText();
                    conn.session.close(1000, "done"); // the bot is done; the answer's <Info> follows the stream

                    SipTcpPeer.Msg info = ringcx.next(WAIT);
                    assertTrue(info.isRequest("INFO"), info.toString());
                    assertEquals("application/json", info.header("content-type"));
                    assertEquals(JSON.readTree(last), JSON.readTree(info.body()), "the answer's JSON, as given");
                    ringcx.ok(info);
                    Await.until(() -> gw.eventTypes(callSid).contains("info-result"), WAIT, "the INFO's answer to be recorded");
                    assertNull(ringcx.poll(Duration.ofSeconds(2)), "Patchbay sent nothing after the final INFO");
                    dialog.bye(WAIT);

                    Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
                    List<String> events = gw.eventTypes(callSid);
                    assertTrue(events.indexOf("answer-info") < events.indexOf("handed-back")
                            && events.indexOf("handed-back") < events.indexOf("info-sent"), events.toString());
                    assertFalse(events.contains("hangup") || events.contains("far-end-bye-timeout")
                            || events.contains("info-failed"), events.toString());
                }
            } finally {
                platform.stop(0);
            }
        }
    }
}
