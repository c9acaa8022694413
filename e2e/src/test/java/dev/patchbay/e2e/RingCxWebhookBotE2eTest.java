package dev.patchbay.e2e;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
            HttpServer platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            platform.createContext("/hook", ex -> {
                ex.getRequestBody().readAllBytes();
                byte[] twiml = ("<Response><Connect><Stream url=\"" + bot.url() + "\"/></Connect><Info>" + last
                        + "</Info></Response>").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/xml");
                ex.sendResponseHeaders(200, twiml.length);
                ex.getResponseBody().write(twiml);
                ex.close();
            });
            platform.start();
            try {
                gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_rw', 'W', TRUE, CURRENT_TIMESTAMP)",
                        "INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_rw', 'ws_rw', 'Hook', "
                                + "'webhook', 'http://127.0.0.1:" + platform.getAddress().getPort() + "/hook', CURRENT_TIMESTAMP)",
                        "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_rw', 'ws_rw', 'rcx-hook', "
                                + "'bot_rw', CURRENT_TIMESTAMP)",
                        "INSERT INTO ringcx_integrations (workspace_id, info_max_bytes, bye_timeout_ms, updated_at) "
                                + "VALUES ('ws_rw', 200, 30000, CURRENT_TIMESTAMP)");
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
