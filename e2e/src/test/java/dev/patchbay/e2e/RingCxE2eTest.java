package dev.patchbay.e2e;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
    /** RFC 3261 timers as jain-sip runs them: a 2xx is retransmitted at T1, then at doubling intervals up to T2. */
    private static final long T1_NANOS = 500_000_000L;
    private static final long T2_NANOS = 4_000_000_000L;
    /** An ACK the stack got this long ago has been matched or not; a retransmission it sent before then is no failure. */
    private static final long ACK_HANDLING_NANOS = 300_000_000L;
    /** A stall of the loaded box may delay the ACK's handling past T1, twice; an unmatched ACK never stops them. */
    private static final int RETRANSMISSIONS_TOLERATED = 2;

    /** Where RingCX sends the ACK of our 200 OK. */
    enum Ack {
        /** RFC 3261 13.2.2.4: to the remote target, our Contact, on the connection the INVITE came on. */
        TO_CONTACT,
        /** To the INVITE's Request-URI, on the same connection, as a peer that ignores our Contact does. */
        TO_REQUEST_URI,
        /** To our Contact on a connection of its own, as baresip does: the Contact must name our TLS port. */
        TO_CONTACT_NEW_CONNECTION,
        /** To the Request-URI on a connection of its own. */
        TO_REQUEST_URI_NEW_CONNECTION,
        /** Over UDP to our SIP port, as a peer does that resolves a Request-URI without its transport. */
        UDP_TO_SIP_PORT
    }

    @Test
    void overTcpHeadersReachTheBotInfoReachesRingCxAndRingCxEndsTheCallAfterTheFinalIntent() throws Exception {
        try (Gateway gw = new Gateway(Map.of()); BotServer bot = new BotServer()) {
            configure(gw, bot);
            try (SipTcpPeer ringcx = new SipTcpPeer(gw.sipPort)) {
                String answer = call(gw, bot, ringcx, "TCP", gw.sipPort, "RTP/AVP", "", Ack.TO_CONTACT);
                assertTrue(answer.contains("RTP/AVP 0"), answer);
            }
        }
    }

    /**
     * RingCX's recommended transport: TLS, on which it offers SDES-keyed SRTP. The ACK is taken wherever the
     * peer addresses it: jain-sip matches an ACK to its dialog by Call-ID and tags, not by Request-URI or flow.
     */
    @ParameterizedTest
    @EnumSource(Ack.class)
    void overTlsTheSameFlowRunsAndMediaIsSrtp(Ack ack) throws Exception {
        try (Gateway gw = new Gateway(Map.of(), true); BotServer bot = new BotServer()) {
            configure(gw, bot);
            byte[] key = new byte[30];
            new java.security.SecureRandom().nextBytes(key);
            try (SipTcpPeer ringcx = SipTcpPeer.tls(gw.tlsPort)) {
                String answer = call(gw, bot, ringcx, "TLS", gw.tlsPort, "RTP/SAVP",
                        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + java.util.Base64.getEncoder().encodeToString(key) + "\r\n",
                        ack);
                assertTrue(answer.contains("RTP/SAVP 0") && answer.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), answer);
            }
        }
    }

    /**
     * Late offer, as RingCX's SBC can be set to send: an INVITE without SDP over TCP gets every codec Patchbay
     * speaks in the 200 OK, the ACK carries the answer, and the rest of the flow runs unchanged.
     */
    @Test
    void overTcpALateOfferIsOfferedInThe200AndAnsweredInTheAck() throws Exception {
        try (Gateway gw = new Gateway(Map.of()); BotServer bot = new BotServer()) {
            configure(gw, bot);
            try (SipTcpPeer ringcx = new SipTcpPeer(gw.sipPort)) {
                String offer = call(gw, bot, ringcx, "TCP", gw.sipPort, "RTP/AVP", "", Ack.TO_CONTACT, true);
                assertTrue(offer.contains("RTP/AVP 0 8 101") && !offer.contains("a=crypto"), offer);
            }
        }
    }

    /** The same over TLS: the offer in the 200 OK is RTP/SAVP with Patchbay's SDES key, the ACK answers with RingCX's. */
    @Test
    void overTlsALateOfferCarriesOurSdesKeyAndTheAckAnswersWithItsOwn() throws Exception {
        try (Gateway gw = new Gateway(Map.of(), true); BotServer bot = new BotServer()) {
            configure(gw, bot);
            byte[] key = new byte[30];
            new java.security.SecureRandom().nextBytes(key);
            try (SipTcpPeer ringcx = SipTcpPeer.tls(gw.tlsPort)) {
                String offer = call(gw, bot, ringcx, "TLS", gw.tlsPort, "RTP/SAVP",
                        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + java.util.Base64.getEncoder().encodeToString(key) + "\r\n",
                        Ack.TO_CONTACT, true);
                assertTrue(offer.contains("RTP/SAVP 0 8 101") && offer.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"),
                        offer);
            }
        }
    }

    /** Sends the ACK to {@code target} the way {@code ack} says; {@code rest} is the message after the branch. */
    private static void acknowledge(Gateway gw, SipTcpPeer ringcx, Ack ack, String target, String transport, int port,
                                    String rest) throws Exception {
        switch (ack) {
            case TO_CONTACT, TO_REQUEST_URI -> ringcx.send("ACK " + target + " SIP/2.0\r\nVia: SIP/2.0/" + transport
                    + " 127.0.0.1:" + ringcx.localPort() + ";branch=z9hG4bK-ack1" + rest);
            case TO_CONTACT_NEW_CONNECTION, TO_REQUEST_URI_NEW_CONNECTION -> {
                int targetPort = Integer.parseInt(target.replaceAll(".*:(\\d+).*", "$1"));
                try (SipTcpPeer second = "TLS".equals(transport) ? SipTcpPeer.tls(targetPort) : new SipTcpPeer(targetPort)) {
                    second.send("ACK " + target + " SIP/2.0\r\nVia: SIP/2.0/" + transport + " 127.0.0.1:"
                            + second.localPort() + ";branch=z9hG4bK-ack1" + rest);
                    // Closed only once the stack has read it: the call is confirmed.
                    String callId = rest.replaceAll("(?s).*\r\nCall-ID: ([^\r]+)\r\n.*", "$1");
                    Await.until(() -> gw.media.calls().active().stream().anyMatch(c -> callId.equals(c.sipCallId())
                            && c.state() instanceof CallState.Confirmed), WAIT, "the ACK to confirm call " + callId);
                }
            }
            case UDP_TO_SIP_PORT -> {
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                    byte[] message = ("ACK " + target.replace(";transport=" + transport.toLowerCase(Locale.ROOT), "")
                            .replace(":" + port, ":" + gw.sipPort) + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
                            + udp.getLocalPort() + ";branch=z9hG4bK-ack1" + rest).getBytes(StandardCharsets.UTF_8);
                    udp.send(new DatagramPacket(message, message.length, new InetSocketAddress("127.0.0.1", gw.sipPort)));
                }
            }
        }
    }

    /**
     * An ACK jain-sip did not match leaves the 200 OK retransmitted, on this connection too. Like a real UAC
     * (RFC 3261 section 13.2.2.4) the peer answers every retransmission with the same ACK, so a matched ACK that a
     * loaded box handled after T1 costs one retransmission, while an ACK that is never matched keeps them coming:
     * more than {@link #RETRANSMISSIONS_TOLERATED} is the failure. {@code reAck} sends the ACK again.
     */
    private static void assertAckStopsRetransmissions(SipTcpPeer peer, long okNanos, Ack ack, ThrowingRunnable reAck)
            throws Exception {
        int retransmissions = 0;
        long deadline = nextDue(okNanos, System.nanoTime()) + T1_NANOS;
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            SipTcpPeer.Msg m = peer.poll(Duration.ofNanos(left));
            if (m == null) {
                return;
            }
            assertEquals(200, m.status(), "only 200 OK retransmissions may follow the ACK: " + m);
            retransmissions++;
            assertTrue(retransmissions <= RETRANSMISSIONS_TOLERATED, "the ACK (" + ack + ") was not matched: "
                    + retransmissions + " 200 OK retransmissions although each was acknowledged; last: " + m);
            reAck.run();
            deadline = nextDue(okNanos, System.nanoTime()) + T1_NANOS;
        }
    }

    /** When the 2xx schedule (T1, doubling to T2, from the first 200 OK) retransmits next after {@code nanos}. */
    private static long nextDue(long okNanos, long nanos) {
        long interval = T1_NANOS;
        long due = okNanos + interval;
        while (due <= nanos + ACK_HANDLING_NANOS) {
            interval = Math.min(2 * interval, T2_NANOS);
            due += interval;
        }
        return due;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
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

    private static String call(Gateway gw, BotServer bot, SipTcpPeer ringcx, String transport, int port, String profile,
                               String crypto, Ack ack) throws Exception {
        return call(gw, bot, ringcx, transport, port, profile, crypto, ack, false);
    }

    /**
     * The whole RingCX call over {@code ringcx}, the 200 OK acknowledged as {@code ack} says; returns the 200 OK's
     * SDP: the answer, or with {@code lateOffer} (an INVITE without SDP, the answer in the ACK) Patchbay's offer.
     */
    private static String call(Gateway gw, BotServer bot, SipTcpPeer ringcx, String transport, int port, String profile,
                               String crypto, Ack ack, boolean lateOffer) throws Exception {
        gw.awaitConnected(WAIT);
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
                + (lateOffer ? "Content-Length: 0\r\n\r\n" : sdpBody(sdp)));
        SipTcpPeer.Msg ok = ringcx.next(WAIT);
        assertEquals(200, ok.status(), ok.toString());
        String to = ok.header("to");
        String contactUri = ok.header("contact").replaceAll(".*<([^>]+)>.*", "$1");
        boolean toContact = ack == Ack.TO_CONTACT || ack == Ack.TO_CONTACT_NEW_CONNECTION;
        String ackRest = "\r\nMax-Forwards: 70\r\nFrom: " + from + "\r\nTo: " + to + "\r\nCall-ID: " + callId + "\r\n"
                + "CSeq: 1 ACK\r\n" + (lateOffer ? sdpBody(sdp.replace(profile + " 0\r\n", profile + " 0 101\r\n")
                + "a=rtpmap:101 telephone-event/8000\r\n") : "Content-Length: 0\r\n\r\n");
        String ackTarget = toContact ? contactUri : uri;
        acknowledge(gw, ringcx, ack, ackTarget, transport, port, ackRest);
        assertAckStopsRetransmissions(ringcx, ok.receivedNanos(), ack,
                () -> acknowledge(gw, ringcx, ack, ackTarget, transport, port, ackRest));
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

    private static String sdpBody(String sdp) {
        return "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }
}
