package dev.patchbay.media.app;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.Reject;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.proto.media.v1.SipHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reject.headers (v1.2) over real UDP SIP: a 401 carries the decision's challenges in order, and nothing may rewrite the transaction. */
class RejectHeadersSipTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static MediaConfig config;

    @BeforeAll
    static void setUp() throws Exception {
        config = fixture.settings();
    }

    @Test
    void a401CarriesBothChallengesInOrderAndReservedHeadersAreIgnored() throws Exception {
        try (SipUdpClient sip = new SipUdpClient(config.sipPort())) {
            sip.request("INVITE", "guarded", 1, "auth1", null, null,
                    SipUdpClient.sdp(4000, "0", "a=rtpmap:0 PCMU/8000\r\n"));
            ControlEvent e = control.next(ControlEvent.EventCase.OFFERED, WAIT);
            control.decide(RouteDecision.newBuilder().setCallId(e.getCallId()).setReject(Reject.newBuilder()
                    .setSipStatus(401).setReason("authenticate with the trunk's digest credentials")
                    .addHeaders(header("WWW-Authenticate", "Digest realm=\"patchbay\", nonce=\"n1\", qop=\"auth\", algorithm=SHA-256"))
                    .addHeaders(header("WWW-Authenticate", "Digest realm=\"patchbay\", nonce=\"n1\", qop=\"auth\", algorithm=MD5"))
                    .addHeaders(header("Call-ID", "hijacked@example"))));
            SipMessage r = sip.finalResponseTo("1 INVITE", WAIT);
            assertEquals(401, r.status(), r.raw());
            List<String> challenges = Arrays.stream(r.raw().split("\r\n"))
                    .filter(l -> l.regionMatches(true, 0, "WWW-Authenticate:", 0, 17)).toList();
            assertEquals(2, challenges.size(), r.raw());
            assertTrue(challenges.get(0).contains("algorithm=SHA-256") && challenges.get(1).contains("algorithm=MD5"), r.raw());
            assertEquals(sip.callId, r.header("Call-ID"), "the decision cannot rewrite the transaction");
            assertTrue(r.header("Reason").contains("digest credentials"), r.raw());
        }
    }

    private static SipHeader header(String name, String value) {
        return SipHeader.newBuilder().setName(name).setValue(value).build();
    }
}
