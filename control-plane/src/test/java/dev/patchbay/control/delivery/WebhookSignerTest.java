package dev.patchbay.control.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden vectors computed outside Java, then verification and its failure modes. */
class WebhookSignerTest {

    private static final byte[] SECRET = "whsec_test_secret".getBytes(StandardCharsets.UTF_8);
    private static final String BODY = "{\"call_sid\":\"CA123\",\"status\":\"completed\"}";
    private static final Instant AT = Instant.ofEpochSecond(1_700_000_000L);

    // printf '%s' '1700000000.{"call_sid":"CA123","status":"completed"}' | openssl dgst -sha256 -hmac 'whsec_test_secret'
    private static final String GOLDEN = "257e117d18f81d765f63a4f7f2e371a492d710a9101a4b045e505959fc3e238d";
    // printf '%s' '1700000000.{"event":"hangup","note":"café ☎"}' | openssl dgst -sha256 -hmac 'whsec_test_secret'
    private static final String GOLDEN_UTF8 = "744bc8db2a49c30f78c4ee69be253e7ead011e4e9892062b20fa4a9f8448fb21";

    @Test
    void matchesOpensslGoldenVectors() {
        WebhookSigner signer = new WebhookSigner(SECRET);
        assertEquals(GOLDEN, signer.signature(1_700_000_000L, BODY));
        assertEquals(GOLDEN_UTF8, signer.signature(1_700_000_000L, "{\"event\":\"hangup\",\"note\":\"café ☎\"}"),
                "the body is signed as UTF-8");
        assertEquals(Map.of("X-Patchbay-Timestamp", "1700000000", "X-Patchbay-Signature", "v1=" + GOLDEN),
                signer.headers(AT, BODY));
    }

    @Test
    void verifiesWithinToleranceOnly() {
        String sig = "v1=" + GOLDEN;
        Duration tol = WebhookSigner.DEFAULT_TOLERANCE;
        assertTrue(WebhookSigner.verify(SECRET, "1700000000", sig, BODY, AT, tol));
        assertTrue(WebhookSigner.verify(SECRET, "1700000000", sig, BODY, AT.plusSeconds(300), tol));
        assertFalse(WebhookSigner.verify(SECRET, "1700000000", sig, BODY, AT.plusSeconds(301), tol), "a replay too late");
        assertFalse(WebhookSigner.verify(SECRET, "1700000000", sig, BODY, AT.minusSeconds(301), tol), "from the future");
    }

    @Test
    void rejectsTamperingAndGarbage() {
        String sig = "v1=" + GOLDEN;
        Duration tol = WebhookSigner.DEFAULT_TOLERANCE;
        assertFalse(WebhookSigner.verify(SECRET, "1700000000", sig, BODY + " ", AT, tol), "body changed");
        assertFalse(WebhookSigner.verify(SECRET, "1700000001", sig, BODY, AT, tol), "timestamp changed");
        assertFalse(WebhookSigner.verify("other".getBytes(StandardCharsets.UTF_8), "1700000000", sig, BODY, AT, tol));
        assertFalse(WebhookSigner.verify(SECRET, "soon", sig, BODY, AT, tol));
        assertFalse(WebhookSigner.verify(SECRET, null, sig, BODY, AT, tol));
        assertFalse(WebhookSigner.verify(SECRET, "1700000000", GOLDEN, BODY, AT, tol), "no v1= prefix");
    }

    @Test
    void acceptsAnyOfSeveralSignaturesForKeyRotation() {
        assertTrue(WebhookSigner.verify(SECRET, "1700000000", "v1=deadbeef, v1=" + GOLDEN, BODY, AT,
                WebhookSigner.DEFAULT_TOLERANCE));
    }

    @Test
    void emptySecretIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner(new byte[0]));
    }
}
