package dev.patchbay.media.sip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ViaCommentsTest {

    private static boolean unsafe(String headers) {
        return ViaComments.unsafe(("OPTIONS sip:a@b SIP/2.0\r\n" + headers + "\r\nContent-Length: 0\r\n\r\n(body\\")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aCommentWithABackslashOrLeftOpenIsUnsafe() {
        assertTrue(unsafe("Via: SIP/2.0/UDP 192.0.2.7 (ab\\"));
        assertTrue(unsafe("v: SIP/2.0/UDP 192.0.2.7(ab\\)c)"));
        assertTrue(unsafe("VIA: SIP/2.0/UDP 192.0.2.7 (open"));
        assertTrue(unsafe("Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK1,\r\n SIP/2.0/UDP 192.0.2.8 (x\\"), "on a folded line");
    }

    @Test
    void closedCommentsQuotedParenthesesAndOtherHeadersAreLeftToTheParser() {
        assertFalse(unsafe("Via: SIP/2.0/UDP 192.0.2.7 (a closed comment);branch=z9hG4bK1"));
        assertFalse(unsafe("Via: SIP/2.0/UDP 192.0.2.7;x=\"(not a comment \\\" \\\\\""));
        assertFalse(unsafe("User-Agent: phone (ab\\"), "jain-sip parses other headers' comments safely");
        assertFalse(unsafe("Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK1"), "the body is not headers");
    }
}
