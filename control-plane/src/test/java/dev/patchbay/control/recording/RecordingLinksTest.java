package dev.patchbay.control.recording;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class RecordingLinksTest {

    private static final String CALL = "CA" + "ab".repeat(16);
    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
    private static final byte[] KEY = "k".repeat(32).getBytes();

    private static RecordingLinks at(Instant now, byte[] key) {
        return new RecordingLinks(key, Duration.ofHours(1), () -> "https://pb.example", Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Map<String, String> query(String url) {
        Map<String, String> q = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            q.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return q;
    }

    @Test
    void aUrlIsValidUntilItsExpiryAndGoneAfter() {
        String url = at(T0, KEY).url("ws_a", CALL);
        assertEquals("https://pb.example/recordings/" + CALL + ".wav", url.substring(0, url.indexOf('?')));
        Map<String, String> q = query(url);
        assertEquals("ws_a", q.get("workspace"));
        assertEquals(Long.toString(T0.plusSeconds(3600).getEpochSecond()), q.get("expires"));
        assertInstanceOf(RecordingLinks.Valid.class, at(T0.plusSeconds(3600), KEY).check("ws_a", CALL, q.get("expires"), q.get("signature")));
        RecordingLinks.Verdict late = at(T0.plusSeconds(3601), KEY).check("ws_a", CALL, q.get("expires"), q.get("signature"));
        assertEquals(new RecordingLinks.Expired(T0.plusSeconds(3600)), late);
    }

    @Test
    void anyChangedPartIsAForgeryEvenALaterExpiry() {
        Map<String, String> q = query(at(T0, KEY).url("ws_a", CALL));
        RecordingLinks links = at(T0, KEY);
        String later = Long.toString(Long.parseLong(q.get("expires")) + 86400);
        assertInstanceOf(RecordingLinks.Forged.class, links.check("ws_a", CALL, later, q.get("signature")));
        assertInstanceOf(RecordingLinks.Forged.class, links.check("ws_b", CALL, q.get("expires"), q.get("signature")));
        assertInstanceOf(RecordingLinks.Forged.class, links.check("ws_a", "CA" + "cd".repeat(16), q.get("expires"), q.get("signature")));
        assertInstanceOf(RecordingLinks.Forged.class, links.check("ws_a", CALL, q.get("expires"), "not*base64"));
        assertInstanceOf(RecordingLinks.Forged.class, links.check("ws_a", CALL, "soon", q.get("signature")));
        assertInstanceOf(RecordingLinks.Forged.class, links.check("ws_a", CALL, null, q.get("signature")));
        assertInstanceOf(RecordingLinks.Forged.class, at(T0, "o".repeat(32).getBytes())
                .check("ws_a", CALL, q.get("expires"), q.get("signature")), "another key");
    }

    @Test
    void noRecordingNoUrl() {
        assertEquals(null, at(T0, KEY).urlOrNull("ws_a", CALL, null));
        assertEquals(null, at(T0, KEY).urlOrNull(null, CALL, "/var/rec/x.wav"));
    }
}
