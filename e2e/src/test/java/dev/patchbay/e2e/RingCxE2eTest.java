package dev.patchbay.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seed 002 over TCP and TLS with real parts: a SIP peer plays RingCX (it opens the connection and expects everything
 * back on it; its Contact is unreachable), a real WebSocket bot reads the INVITE's X- headers from its start
 * message, sends data that reaches the peer as INFO application/json byte for byte, has an oversized INFO
 * refused, and finishes with "final": true, after which RingCX, not Patchbay, sends the BYE.
 */
class RingCxE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void overTcpHeadersReachTheBotInfoReachesRingCxAndRingCxEndsTheCallAfterTheFinalIntent() throws Exception {
        try (Gateway gw = new Gateway(Map.of()); BotServer bot = new BotServer()) {
            configure(gw, bot);
            try (SipTcpPeer ringcx = new SipTcpPeer(gw.sipPort)) {
                String answer = call(gw, bot, ringcx, "TCP", gw.sipPort, "RTP/AVP", "");
                assertTrue(answer.contains("RTP/AVP 0"), answer);
            }
        }
    }

    /** RingCX's recommended transport: TLS, on which it offers SDES-keyed SRTP. */
    @Test
    void overTlsTheSameFlowRunsAndMediaIsSrtp() throws Exception {
        try (Gateway gw = new Gateway(Map.of(), true); BotServer bot = new BotServer()) {
            configure(gw, bot);
            byte[] key = new byte[30];
            new java.security.SecureRandom().nextBytes(key);
            try (SipTcpPeer ringcx = SipTcpPeer.tls(gw.tlsPort)) {
                String answer = call(gw, bot, ringcx, "TLS", gw.tlsPort, "RTP/SAVP",
                        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + java.util.Base64.getEncoder().encodeToString(key) + "\r\n");
                assertTrue(answer.contains("RTP/SAVP 0") && answer.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), answer);
            }
        }
    }

    private static void configure(Gateway gw, BotServer bot) {
        gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_rcx', 'RingCX', TRUE, CURRENT_TIMESTAMP)",
                "INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_rcx', 'ws_rcx', 'IVA', 'wss', '"
                        + bot.url() + "', CURRENT_TIMESTAMP)",
                "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_rcx', 'ws_rcx', 'rcx-iva', "
                        + "'bot_rcx', CURRENT_TIMESTAMP)",
                "INSERT INTO ringcx_integrations (workspace_id, info_max_bytes, bye_timeout_ms, updated_at) "
                        + "VALUES ('ws_rcx', 200, 30000, CURRENT_TIMESTAMP)");
    }

    /** The whole RingCX call over {@code ringcx}; returns the SDP answer. */
    private static String call(Gateway gw, BotServer bot, SipTcpPeer ringcx, String transport, int port, String profile,
                               String crypto) throws Exception {
        Await.until(() -> gw.control.links().get(0).connected(), WAIT, "control-plane connected");
        String uri = "sip:rcx-iva@127.0.0.1:" + port + ";transport=" + transport.toLowerCase(java.util.Locale.ROOT);
        String via = "Via: SIP/2.0/" + transport + " 127.0.0.1:" + ringcx.localPort() + ";branch=z9hG4bK-";
        String callId = UUID.randomUUID() + "@ringcx.test";
        String from = "<sip:+14155550100@127.0.0.1>;tag=rcx1";
        String sdp = "v=0\r\no=rcx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + Ports.rtpBase(2) + " " + profile + " 0\r\na=rtpmap:0 PCMU/8000\r\n" + crypto;
        ringcx.send("INVITE " + uri + " SIP/2.0\r\n" + via + "inv1\r\n"
                + "Max-Forwards: 70\r\nFrom: " + from + "\r\nTo: <sip:rcx-iva@127.0.0.1>\r\nCall-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                // Unreachable on purpose: RingCX takes nothing on its Contact, only on the connection it opened.
                + "Contact: <sip:ringcx@192.0.2.1:5999;transport=" + transport.toLowerCase(java.util.Locale.ROOT) + ">\r\n"
                + "X-RingCX-Session: 3f1e-77\r\nX-Agent-Group: tier-1 billing\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
        SipTcpPeer.Msg ok = ringcx.next(WAIT);
        assertEquals(200, ok.status(), ok.toString());
        String to = ok.header("to");
        // RFC 3261 13.2.2.4: the ACK of a 2xx goes to the remote target (our Contact), on the same connection.
        String contactUri = ok.header("contact").replaceAll(".*<([^>]+)>.*", "$1");
        ringcx.send("ACK " + contactUri + " SIP/2.0\r\n" + via + "ack1\r\n"
                + "Max-Forwards: 70\r\nFrom: " + from + "\r\nTo: " + to + "\r\nCall-ID: " + callId + "\r\n"
                + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
        ringcx.send("\r\n\r\n"); // RFC 5626 keep-alive, as RingCX pings

        BotServer.Conn conn = bot.next(WAIT);
        JsonNode start = JSON.readTree(conn.next(String.class, m -> m.contains("\"start\""), WAIT)).get("start");
        JsonNode params = start.get("customParameters");
        assertEquals("3f1e-77", params.path("sip.X-RingCX-Session").asText(), params.toString());
        assertEquals("tier-1 billing", params.path("sip.X-Agent-Group").asText(), params.toString());
        assertEquals(callId, params.path("sip.Call-ID").asText(), "every header, not only X-: " + params);
        String callSid = start.get("callSid").asText();

        String data = "{\"intent\":\"billing\",\"confidence\":0.93,\"slots\":{\"account\":\"A-1\"}}";
        conn.send("{\"event\":\"info\",\"info\":" + data + "}");
        SipTcpPeer.Msg info = ringcx.next(WAIT);
        assertTrue(info.isRequest("INFO"), info.toString());
        assertEquals("application/json", info.header("content-type"));
        assertEquals(data, info.body());
        ringcx.ok(info);

        String big = "{\"transcript\":\"" + "x".repeat(300) + "\"}";
        conn.send("{\"event\":\"info\",\"info\":" + big + "}");
        JsonNode error = JSON.readTree(conn.next(String.class, m -> m.contains("\"error\""), WAIT));
        assertEquals("info", error.path("error").path("event").asText());
        assertTrue(error.path("error").path("message").asText().contains("over this workspace's limit of 200 bytes"),
                error.toString());

        String last = "{\"final\":true,\"intent\":\"agent\"}";
        conn.send("{\"event\":\"info\",\"info\":" + last + "}");
        SipTcpPeer.Msg fin = ringcx.next(WAIT);
        assertEquals(last, fin.body(), "the oversized INFO was never sent; the final one came next");
        ringcx.ok(fin);
        Await.until(() -> gw.eventTypes(callSid).contains("handed-back"), WAIT, "the final INFO to hand the call back");
        conn.session.close(1000, "done");

        // Patchbay must not hang up now: RingCX does. Two seconds of silence on the connection.
        assertNull(ringcx.poll(Duration.ofSeconds(2)), "Patchbay sent nothing after the final intent");
        ringcx.send("BYE " + uri + " SIP/2.0\r\n" + via + "bye1\r\n"
                + "Max-Forwards: 70\r\nFrom: " + from + "\r\nTo: " + to + "\r\nCall-ID: " + callId + "\r\n"
                + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
        assertEquals(200, ringcx.next(WAIT).status());

        Await.until(() -> gw.eventTypes(callSid).contains("completed"), WAIT, "the call record to be completed");
        List<String> events = gw.eventTypes(callSid);
        assertEquals(2, events.stream().filter("info-sent"::equals).count(), events.toString());
        assertEquals(2, events.stream().filter("info-result"::equals).count(), events.toString());
        assertTrue(events.contains("info-refused") && events.contains("bot-closed"), events.toString());
        assertTrue(!events.contains("hangup") && !events.contains("far-end-bye-timeout"), events.toString());
        return ok.body();
    }
}
