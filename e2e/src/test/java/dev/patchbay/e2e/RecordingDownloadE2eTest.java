package dev.patchbay.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.recording.RecordingLinks;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.schema.SecretBox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 §4: a call placed with {@code record: true} is recorded on the media node, and its
 * {@code recording_url} downloads the WAV through the control-plane without an API key; a tampered
 * or expired URL is refused.
 */
@ExtendWith(GatewayFixture.class)
class RecordingDownloadE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aRecordedCallDownloadsThroughItsSignedUrlAndOnlyThroughIt(Gateway gw) throws Exception {
        Gateway.FarEnd farEnd = gw.farEnd("ws_rec");
        int port = farEnd.port();
        String key = farEnd.key();
        Path dir = farEnd.dir();
        Process uas = Sipp.start(dir, List.of("-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1"));
        String url;
        String id;
        try (BotServer bot = new BotServer(); CallbackReceiver callbacks = new CallbackReceiver()) {
            HttpResponse<String> placed = gw.http("POST", "/v1/calls", key, "{\"to\":\"+919494865411\","
                    + "\"from\":\"+918035735900\",\"websocket_url\":\"" + bot.url() + "\",\"callback_url\":\""
                    + callbacks.url() + "\",\"record\":true}");
            assertEquals(201, placed.statusCode(), placed.body());
            id = JSON.readTree(placed.body()).get("call_id").asText();
            assertTrue(JSON.readTree(placed.body()).get("recording_url").isNull(), "nothing recorded yet");

            BotServer.Conn conn = bot.next(WAIT);
            JsonNode start = JSON.readTree(conn.next(String.class, m -> m.contains("\"start\""), WAIT));
            String streamSid = start.get("streamSid").asText();
            // Two seconds of bot speech, then a mark: it comes back once played, so the call is >= 2 s long.
            byte[] speech = new byte[16000];
            for (int i = 0; i < speech.length; i++) {
                speech[i] = (byte) (0x10 + i % 64);
            }
            conn.send("{\"event\":\"media\",\"streamSid\":\"" + streamSid + "\",\"media\":{\"payload\":\""
                    + Base64.getEncoder().encodeToString(speech) + "\"}}");
            conn.send("{\"event\":\"mark\",\"streamSid\":\"" + streamSid + "\",\"mark\":{\"name\":\"said\"}}");
            assertNotNull(conn.next(String.class, m -> m.contains("\"mark\""), WAIT));
            conn.session.close(1000, "bye");

            JsonNode ended = JSON.readTree(callbacks.next(WAIT).body());
            url = ended.get("recording_url").asText();
            assertTrue(url.startsWith("http://127.0.0.1:" + gw.control.port() + "/recordings/" + id + ".wav?"), url);
            assertEquals(0, Sipp.await(uas, dir).exitCode());
        } finally {
            uas.destroyForcibly();
        }
        JsonNode call = JSON.readTree(gw.http("GET", "/v1/calls/" + id, key, null).body());
        assertTrue(call.get("recording_url").asText().contains("/recordings/" + id + ".wav?workspace=ws_rec&expires="),
                call.toString());

        HttpClient http = HttpClient.newHttpClient();
        // The node finishes the file's header within ~100 ms of the hang-up; until then the answer is 503.
        AtomicReference<HttpResponse<byte[]>> got = new AtomicReference<>();
        Await.until(() -> {
            got.set(get(http, url, null));
            return got.get().statusCode() != 503;
        }, WAIT, () -> "the recording became available: " + new String(got.get().body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> wav = got.get();
        assertEquals(200, wav.statusCode(), new String(wav.body(), StandardCharsets.UTF_8));
        assertEquals("audio/wav", wav.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("bytes", wav.headers().firstValue("Accept-Ranges").orElseThrow());

        // A valid WAV: 16-bit stereo 8 kHz PCM whose data is as long as the call was (answer to hang-up).
        ByteBuffer b = ByteBuffer.wrap(wav.body()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("RIFF", ascii(wav.body(), 0));
        assertEquals(wav.body().length - 8, b.getInt(4));
        assertEquals("WAVE", ascii(wav.body(), 8));
        assertEquals("fmt ", ascii(wav.body(), 12));
        assertEquals(1, b.getShort(20), "PCM");
        assertEquals(2, b.getShort(22), "stereo: caller left, bot right");
        assertEquals(8000, b.getInt(24));
        assertEquals(16, b.getShort(34));
        assertEquals("data", ascii(wav.body(), 36));
        int data = b.getInt(40);
        assertEquals(wav.body().length - 44, data);
        double seconds = data / (8000.0 * 4);
        double callSeconds = Duration.between(Instant.parse(call.get("start_time").asText()),
                Instant.parse(call.get("end_time").asText())).toMillis() / 1000.0;
        assertTrue(seconds >= 2.0, "the recording holds the 2 s the bot spoke: " + seconds + " s");
        assertTrue(Math.abs(seconds - callSeconds) <= 0.5, "recording " + seconds + " s, call " + callSeconds + " s");
        long botEnergy = 0;
        for (int at = 44; at + 4 <= wav.body().length; at += 4) {
            botEnergy += Math.abs(b.getShort(at + 2));
        }
        assertTrue(botEnergy > 0, "the bot's side holds its speech");

        // A player's seek: one range, 206, exactly those bytes.
        HttpResponse<byte[]> part = get(http, url, "bytes=40-99");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 40-99/" + wav.body().length, part.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(wav.body(), 40, 100), part.body());
        assertEquals(416, get(http, url, "bytes=" + wav.body().length + "-").statusCode());

        // Tampered: another signature, a later expiry, another workspace. Each is 403 problem+json.
        String sig = url.substring(url.indexOf("signature=") + 10);
        String flipped = (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1);
        for (String bad : List.of(url.replace("signature=" + sig, "signature=" + flipped),
                url.replaceFirst("expires=(\\d+)", "expires=9999999999"),
                url.replace("workspace=ws_rec", "workspace=ws_other"),
                url.substring(0, url.indexOf('?')))) {
            HttpResponse<byte[]> refused = get(http, bad, null);
            assertEquals(403, refused.statusCode(), bad);
            assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElseThrow());
        }

        // Expired: signed with the replicas' key (derived from patchbay.secrets.key), an hour ago.
        byte[] signingKey = new SecretBox(Base64.getDecoder().decode(Gateway.SECRETS_KEY)).derive("recording-links");
        RecordingLinks past = new RecordingLinks(signingKey, Duration.ofMinutes(1),
                () -> "http://127.0.0.1:" + gw.control.port(), Clock.fixed(Instant.now().minusSeconds(3600), ZoneOffset.UTC));
        HttpResponse<byte[]> expired = get(http, past.url("ws_rec", id), null);
        assertEquals(410, expired.statusCode());
        assertTrue(new String(expired.body(), StandardCharsets.UTF_8).contains("expired"));
        RecordingLinks now = new RecordingLinks(signingKey, Duration.ofMinutes(1),
                () -> "http://127.0.0.1:" + gw.control.port(), Clock.systemUTC());
        assertEquals(206, get(http, now.url("ws_rec", id), "bytes=0-0").statusCode(),
                "a URL signed with the same key now works: the key is the one the replicas use");
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url, String range) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (range != null) {
            r.header("Range", range);
        }
        try {
            return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String ascii(byte[] bytes, int at) {
        return new String(bytes, at, 4, StandardCharsets.US_ASCII);
    }
}
