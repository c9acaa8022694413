package dev.patchbay.control.trunk;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The digest arithmetic against RFC 7616's published example, and the Authorization parser's edges. */
class SipDigestTest {

    // RFC 7616 section 3.9.1: the same request answered with MD5 and with SHA-256.
    private static final String USER = "Mufasa";
    private static final String REALM = "http-auth@example.org";
    private static final String PASSWORD = "Circle of Life";
    private static final String URI = "/dir/index.html";
    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    @Test
    void rfc7616GoldenVectors() {
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", SipDigest.response(SipDigest.Algorithm.MD5, USER, REALM, PASSWORD,
                "GET", URI, NONCE, "00000001", CNONCE, "auth"));
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", SipDigest.response(
                SipDigest.Algorithm.SHA_256, USER, REALM, PASSWORD, "GET", URI, NONCE, "00000001", CNONCE, "auth"));
    }

    @Test
    void parsesTheRfcAuthorizationAndVerifiesIt() {
        String header = "Digest username=\"Mufasa\",\n realm=\"http-auth@example.org\", uri=\"/dir/index.html\","
                + " algorithm=SHA-256, nonce=\"" + NONCE + "\", nc=00000001, cnonce=\"" + CNONCE + "\", qop=auth,"
                + " response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\","
                + " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        SipDigest.Credentials c = SipDigest.parse(header).orElseThrow();
        assertEquals(SipDigest.Algorithm.SHA_256, c.algorithm());
        assertEquals(URI, c.uri());
        assertTrue(SipDigest.matches(c, PASSWORD, "GET"));
        assertFalse(SipDigest.matches(c, "Circle of life", "GET"), "one letter off");
        assertFalse(SipDigest.matches(c, PASSWORD, "INVITE"), "the method is signed");
        assertFalse(c.toString().contains("753927"), "the response is never printed: " + c);
    }

    @Test
    void noAlgorithmMeansMd5AndQuotedEscapesAreUnfolded() {
        SipDigest.Credentials c = SipDigest.parse("digest username=\"a\\\"b\", realm=\"r\", nonce=\"n\", uri=\"sip:x@h\","
                + " response=\"00\"").orElseThrow();
        assertEquals(SipDigest.Algorithm.MD5, c.algorithm());
        assertEquals("a\"b", c.username());
        assertEquals(null, c.qop(), "an RFC 2069 client sends no qop");
    }

    @Test
    void refusesWhatItCannotVerify() {
        String base = "username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x@h\", response=\"00\"";
        assertTrue(SipDigest.parse("Basic YTpi").isEmpty(), "another scheme");
        assertTrue(SipDigest.parse("Digest " + base + ", algorithm=MD5-sess").isEmpty(), "not offered");
        assertTrue(SipDigest.parse("Digest " + base + ", qop=auth-int, nc=1, cnonce=\"c\"").isEmpty(), "not offered");
        assertTrue(SipDigest.parse("Digest " + base + ", qop=auth").isEmpty(), "qop without nc and cnonce");
        assertTrue(SipDigest.parse("Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\"").isEmpty(), "no username");
        assertTrue(SipDigest.parse("Digest username=\"a, realm=r").isEmpty(), "unterminated quote");
    }
}
