package dev.patchbay.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.media.testutil.Ports;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One call as RingCX places it over TCP: INVITE on the peer's own connection with an unreachable Contact,
 * ACK to Patchbay's Contact, and later RingCX's BYE. For tests of what a bot sends RingCX.
 */
final class RingCxDialog {

    private final SipTcpPeer peer;
    private final String uri;
    private final String via;
    private final String callId = UUID.randomUUID() + "@ringcx.test";
    private final String from = "<sip:+14155550100@127.0.0.1>;tag=rcx1";
    private String to;

    private RingCxDialog(SipTcpPeer peer, int sipPort, String user) {
        this.peer = peer;
        this.uri = "sip:" + user + "@127.0.0.1:" + sipPort + ";transport=tcp";
        this.via = "Via: SIP/2.0/TCP 127.0.0.1:" + peer.localPort() + ";branch=z9hG4bK-";
    }

    /**
     * A bot of {@code kind} (with {@code url}, or null) in an existing workspace, reached at the DID {@code user},
     * and the workspace's RingCX integration: INFO bodies up to 200 bytes, 30 s for RingCX's BYE.
     */
    static void provision(Gateway gw, String workspace, String kind, String url, String user) {
        gw.sql("INSERT INTO bots (id, workspace_id, name, kind, url, created_at) VALUES ('bot_" + workspace + "', '" + workspace
                        + "', 'B', '" + kind + "', " + (url == null ? "NULL" : "'" + url + "'") + ", CURRENT_TIMESTAMP)",
                "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_" + workspace + "', '" + workspace
                        + "', '" + user + "', 'bot_" + workspace + "', CURRENT_TIMESTAMP)",
                "INSERT INTO ringcx_integrations (workspace_id, info_max_bytes, bye_timeout_ms, updated_at) VALUES ('"
                        + workspace + "', 200, 30000, CURRENT_TIMESTAMP)");
    }

    /** A bot platform on loopback whose webhook {@code /hook} answers every call with {@code xml}; started. */
    static HttpServer platform(String xml) throws IOException {
        HttpServer platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        platform.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = xml.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/xml");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        platform.start();
        return platform;
    }

    /** Calls {@code user} and acknowledges the 200 OK. */
    static RingCxDialog answered(SipTcpPeer peer, int sipPort, String user, Duration wait) throws Exception {
        RingCxDialog d = new RingCxDialog(peer, sipPort, user);
        String sdp = "v=0\r\no=rcx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + Ports.rtpBase(2) + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        peer.send("INVITE " + d.uri + " SIP/2.0\r\n" + d.via + "inv1\r\nMax-Forwards: 70\r\nFrom: " + d.from
                + "\r\nTo: <sip:" + user + "@127.0.0.1>\r\nCall-ID: " + d.callId + "\r\nCSeq: 1 INVITE\r\n"
                // Unreachable on purpose: RingCX takes nothing on its Contact, only on the connection it opened.
                + "Contact: <sip:ringcx@192.0.2.1:5999;transport=tcp>\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
        SipTcpPeer.Msg ok = peer.next(wait);
        assertEquals(200, ok.status(), ok.toString());
        d.to = ok.header("to");
        String contact = ok.header("contact").replaceAll(".*<([^>]+)>.*", "$1");
        peer.send("ACK " + contact + " SIP/2.0\r\n" + d.via + "ack1\r\nMax-Forwards: 70\r\nFrom: " + d.from + "\r\nTo: "
                + d.to + "\r\nCall-ID: " + d.callId + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
        return d;
    }

    /** RingCX ends the call, as it does after the bot's final INFO; asserts the 200. */
    void bye(Duration wait) throws Exception {
        peer.send("BYE " + uri + " SIP/2.0\r\n" + via + "bye1\r\nMax-Forwards: 70\r\nFrom: " + from + "\r\nTo: " + to
                + "\r\nCall-ID: " + callId + "\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
        assertEquals(200, peer.next(wait).status());
    }
}
