package dev.patchbay.media.sip;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The worked examples of RFC 7616 section 3.9.1, and RFC 2617's for the no-qop form. */
class DigestTest {

    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    @Test
    void md5WithQopAuth() {
        Digest.Challenge c = new Digest.Challenge("http-auth@example.org", NONCE, "MD5", "auth, auth-int", null);
        assertEquals("8ca523f5e9506fed4657c9700eebdbec",
                Digest.response(c, "Mufasa", "Circle of Life", "GET", "/dir/index.html", CNONCE, "00000001"));
    }

    @Test
    void sha256WithQopAuth() {
        Digest.Challenge c = new Digest.Challenge("http-auth@example.org", NONCE, "SHA-256", "auth, auth-int", null);
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                Digest.response(c, "Mufasa", "Circle of Life", "GET", "/dir/index.html", CNONCE, "00000001"));
    }

    @Test
    void md5WithoutQop() {
        // RFC 2069 form, H(HA1:nonce:HA2): its own worked example.
        Digest.Challenge c = new Digest.Challenge("testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093", null, null, null);
        assertEquals("1949323746fe6a43ef61f9606e7febea",
                Digest.response(c, "Mufasa", "CircleOfLife", "GET", "/dir/index.html", null, null));
    }

    @Test
    void unknownAlgorithmsAreDeclined() {
        assertNull(Digest.response(new Digest.Challenge("r", "n", "SHA-512-256", "auth", null), "u", "p", "INVITE", "sip:x", "c", "00000001"));
    }
}
