package dev.patchbay.control.webhookbot;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.app.ControlConfig;
import dev.patchbay.control.delivery.OutboundHttp;
import dev.patchbay.control.delivery.OutboundPolicy;
import dev.patchbay.control.delivery.SigningKeys;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.delivery.WebhookSigner;
import dev.patchbay.control.testing.Receiver;
import dev.patchbay.control.testing.Receiver.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each answer form and each failure, from a real bot platform stand-in on loopback. */
class BotWebhookTest {

    private static final String SECRET = "whsec_bot";
    private static final SigningKeys KEYS = SigningKeys.of(Map.of("bot-key", WebhookSigner.of(SECRET)));
    private static final InboundCall CALL = new InboundCall("CA42", "+15550100", "+15550199", "ws_1",
            Map.of("X-Campaign", "spring", "x-lead-id", "77", "User-Agent", "carrier", "Authorization", "Digest secret"));
    private static final String WSS = "wss://127.0.0.1:9443/stream/CA42";

    private static BotWebhook webhook(OutboundPolicy policy, Duration timeout) {
        SsrfGuard guard = new SsrfGuard(policy);
        return new BotWebhook(new OutboundHttp(OutboundHttp.newClient(timeout), guard), guard, KEYS, timeout,
                Clock.systemUTC());
    }

    private static BotWebhook webhook() {
        return webhook(new OutboundPolicy(true, false, false), Duration.ofSeconds(5));
    }

    private static BotAnswer answerWith(Answer answer) throws Exception {
        try (Receiver r = Receiver.loopback(req -> answer)) {
            return webhook().ask(CALL, r.url("/inbound"), "bot-key");
        }
    }

    private static BotAnswer.Reject rejected(BotAnswer a, int status, String... reasonParts) {
        BotAnswer.Reject r = assertInstanceOf(BotAnswer.Reject.class, a);
        assertEquals(status, r.sipStatus(), r.reason());
        for (String part : reasonParts) {
            assertTrue(r.reason().contains(part), "'" + part + "' in: " + r.reason());
        }
        return r;
    }

    @Test
    void postsTheCallSignedWithOnlyXHeadersAndReadsJson() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200, "application/json",
                "{\"websocket_url\":\"" + WSS + "\",\"dialect\":\"ringg\",\"custom_parameters\":{\"agent\":\"a1\",\"n\":3}}"))) {
            BotAnswer.Stream s = assertInstanceOf(BotAnswer.Stream.class, webhook().ask(CALL, r.url("/inbound"), "bot-key"));
            assertEquals(URI.create(WSS), s.url());
            assertEquals("ringg", s.dialectHint());
            assertEquals(Map.of("agent", "a1", "n", "3"), s.customParameters());

            Receiver.Request req = r.requests().get(0);
            JsonNode sent = new ObjectMapper().readTree(req.body());
            assertEquals("CA42", sent.get("call_sid").asText());
            assertEquals("+15550100", sent.get("from_number").asText());
            assertEquals("+15550199", sent.get("to_number").asText());
            assertEquals("inbound", sent.get("direction").asText());
            assertEquals("ws_1", sent.get("workspace_id").asText());
            assertEquals(2, sent.get("sip_headers").size(), "only X- headers leave the gateway: " + sent);
            assertEquals("spring", sent.get("sip_headers").get("X-Campaign").asText());
            assertEquals("77", sent.get("sip_headers").get("x-lead-id").asText());
            assertTrue(WebhookSigner.verify(SECRET.getBytes(StandardCharsets.UTF_8), req.header(WebhookSigner.TIMESTAMP_HEADER),
                    req.header(WebhookSigner.SIGNATURE_HEADER), req.body(), Instant.now(), WebhookSigner.DEFAULT_TOLERANCE));
        }
    }

    @Test
    void grpcAnswerMeansTheBotAttachesItself() throws Exception {
        assertInstanceOf(BotAnswer.Grpc.class, answerWith(Answer.of(200, "application/json", "{\"grpc\": true}")));
    }

    @Test
    void twimlConnectStreamWithParameters() throws Exception {
        BotAnswer.Stream s = assertInstanceOf(BotAnswer.Stream.class, answerWith(Answer.of(200, "text/xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <Response>
                  <Connect>
                    <Stream url="%s">
                      <Parameter name="agent" value="a1"/>
                      <Parameter name="lang" value="hi-IN"/>
                    </Stream>
                  </Connect>
                </Response>""".formatted(WSS))));
        assertEquals(URI.create(WSS), s.url());
        assertEquals("twilio", s.dialectHint());
        assertEquals(Map.of("agent", "a1", "lang", "hi-IN"), s.customParameters());
        assertEquals(8000, s.sampleRateHz());
    }

    @Test
    void plivoStreamWithContentTypeAndExtraHeaders() throws Exception {
        BotAnswer.Stream s = assertInstanceOf(BotAnswer.Stream.class, answerWith(Answer.of(200, "application/xml", """
                <Response>
                  <Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000"
                          extraHeaders="agent=a1,lang=en">%s</Stream>
                </Response>""".formatted(WSS))));
        assertEquals(URI.create(WSS), s.url());
        assertEquals("plivo", s.dialectHint());
        assertEquals(16000, s.sampleRateHz());
        assertEquals("audio/x-l16;rate=16000", s.contentType());
        assertEquals(Map.of("agent", "a1", "lang", "en"), s.customParameters());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "<Response><Reject reason=\"busy\"/></Response> | 486",
            "<Response><Reject reason=\"rejected\"/></Response> | 603",
            "<Response><Reject/></Response> | 603",
            "<Response><Hangup/></Response> | 480",
            "<Response><Hangup reason=\"busy\"/></Response> | 486"})
    void botRejectionsMapToSipAsTwilioDoes(String xml, int status) throws Exception {
        rejected(answerWith(Answer.of(200, "text/xml", xml)), status, "the bot answered");
    }

    @Test
    void timeoutIs480NamingTheSetting() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver r = Receiver.loopback(req -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.of(200);
        })) {
            BotAnswer a = webhook(new OutboundPolicy(true, false, false), Duration.ofMillis(300))
                    .ask(CALL, r.url("/slow"), "bot-key");
            rejected(a, 480, "in time", BotWebhook.TIMEOUT_KEY, "300 ms");
        } finally {
            release.countDown();
        }
    }

    /** The call flow's path: a bot's answer_timeout_ms of 300 wins over the global 5 s, and the 480 says so. */
    @Test
    void aBotsOwnAnswerTimeoutCutsTheCallShortWithA480() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver r = Receiver.loopback(req -> {
            try {
                release.await(2, TimeUnit.SECONDS);  // slower than the bot's 300 ms, faster than the global 5 s
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.of(200, "application/json", "{\"websocket_url\":\"" + WSS + "\"}");
        })) {
            dev.patchbay.control.model.CallRecord call = new dev.patchbay.control.model.CallRecord("CA43", "bot-key", "bot_h",
                    dev.patchbay.control.model.CallRecord.Direction.INBOUND, dev.patchbay.control.model.CallStatus.RINGING,
                    "+15550100", "+15550199", null, "127.0.0.1:9090", "tok", dev.patchbay.control.model.CallRecord.Stream.NONE,
                    null, null, null, null, null, Instant.now(), null, null);
            WebhookBots bots = new WebhookBots(webhook());  // global timeout 5 s
            long start = System.nanoTime();
            var answer = bots.ask(r.url("/slow").toString(), "bot-key", call, "tok", Duration.ofMillis(300));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            var reject = assertInstanceOf(dev.patchbay.control.call.BotWebhookClient.Answer.Reject.class, answer);
            assertEquals(480, reject.sipStatus(), reject.reason());
            assertTrue(reject.reason().contains("answer_timeout_ms = 300 ms"), reject.reason());
            assertTrue(tookMs >= 250 && tookMs < 2000, "cut at the bot's 300 ms, well before the global 5 s: " + tookMs);
        } finally {
            release.countDown();
        }
    }

    @Test
    void refusedConnectionIs503() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        rejected(webhook().ask(CALL, URI.create("http://127.0.0.1:" + port + "/inbound"), "bot-key"), 503, "refused");
    }

    @Test
    void non2xxIs503WithTheStatus() throws Exception {
        rejected(answerWith(Answer.of(500, "text/plain", "oops")), 503, "HTTP 500");
        rejected(answerWith(Answer.of(404)), 503, "HTTP 404");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"websocket_url\": | does not parse",
            "{\"dialect\":\"x\"} | no \"websocket_url\"",
            "{\"websocket_url\":\"https://bot.example/ws\"} | scheme 'https'",
            "{\"websocket_url\":\"wss://u:p@127.0.0.1/ws\"} | userinfo",
            "{\"websocket_url\":\"" + "wss://127.0.0.1/ws\",\"custom_parameters\":[1]} | not an object",
            "<html><body>Bad gateway</body></html> | root is <html>",
            "<Response><Say>Hello</Say><Play>x.mp3</Play></Response> | <Say>, <Play>",
            "<Response><Connect><Room/></Connect></Response> | <Connect> holds no <Stream",
            "<Response><Start><Stream url=\"wss://127.0.0.1/ws\"/></Start></Response> | one way",
            "<Response><Connect><Stream/></Connect></Response> | no URL",
            "<Response><Connect> | not accepted",
            "Thanks! | neither JSON nor XML",
            "'   ' | empty"})
    void unusableAnswersAre503WithAPreciseReason(String body, String reasonPart) throws Exception {
        rejected(answerWith(Answer.of(200, "text/plain", body)), 503, reasonPart);
    }

    @Test
    void xmlWithExternalEntitiesIsRefusedAndReadsNothing() throws Exception {
        try (Receiver probe = Receiver.loopback(req -> Answer.of(200, "text/plain", "leaked"))) {
            String xxe = """
                    <?xml version="1.0"?>
                    <!DOCTYPE Response [
                      <!ENTITY file SYSTEM "file:///etc/passwd">
                      <!ENTITY net SYSTEM "%s">
                    ]>
                    <Response><Connect><Stream url="wss://127.0.0.1/&file;&net;"/></Connect></Response>"""
                    .formatted(probe.url("/xxe"));
            BotAnswer.Reject r = rejected(answerWith(Answer.of(200, "text/xml", xxe)), 503, "DOCTYPE");
            assertFalse(r.reason().contains("root:"), r.reason());
            assertEquals(0, probe.requests().size(), "the parser fetched no external entity");
        }
    }

    @Test
    void webhookUrlIsSsrfChecked() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200, "application/json", "{\"grpc\":true}"))) {
            BotAnswer a = webhook(OutboundPolicy.STRICT, Duration.ofSeconds(5)).ask(CALL, r.url("/inbound"), "bot-key");
            rejected(a, 503, "127.0.0.1", OutboundPolicy.ALLOW_LOOPBACK);
            assertEquals(0, r.requests().size());
        }
    }

    @Test
    void streamUrlIsSsrfCheckedToo() throws Exception {
        rejected(answerWith(Answer.of(200, "application/json", "{\"websocket_url\":\"wss://169.254.169.254/ws\"}")),
                503, "stream URL refused", "169.254.169.254");
    }

    @Test
    void redirectsAreFollowedToTheAnswer() throws Exception {
        try (Receiver r = Receiver.loopback(req -> req.path().equals("/old")
                ? Answer.redirect(308, "/new") : Answer.of(200, "application/json", "{\"websocket_url\":\"" + WSS + "\"}"))) {
            assertInstanceOf(BotAnswer.Stream.class, webhook().ask(CALL, r.url("/old"), "bot-key"));
            assertEquals(2, r.requests().size());
        }
    }

    @Test
    void oversizedAnswerIs503() throws Exception {
        String huge = "{\"websocket_url\":\"" + WSS + "\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
        rejected(answerWith(Answer.of(200, "application/json", huge)), 503, "larger than 64 KiB");
    }

    @Test
    void missingSigningKeyIs503NamingTheSetting() throws Exception {
        try (Receiver r = Receiver.loopback(req -> Answer.of(200))) {
            rejected(webhook().ask(CALL, r.url("/inbound"), "nope"), 503, "patchbay.control.outbound.signing-keys.nope");
            assertEquals(0, r.requests().size(), "nothing unsigned is sent");
        }
    }

    @Test
    void shippedConfigGivesFiveSecondsAndLocalLoopback() throws Exception {
        io.helidon.config.Config root = io.helidon.config.Config.builder()
                .disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(io.helidon.config.ConfigSources.create(Map.of(
                        "patchbay.control.outbound.signing-keys.default", "s3cret")))
                .addSource(io.helidon.config.ConfigSources.file(java.nio.file.Path.of("src/main/resources/application.yaml")))
                .build();
        Duration timeout = ControlConfig.from(root).webhookTimeout();
        assertEquals(Duration.ofSeconds(5), timeout);
        try (Receiver r = Receiver.loopback(req -> Answer.of(200, "application/json", "{\"grpc\":true}"))) {
            assertInstanceOf(BotAnswer.Grpc.class, BotWebhook.create(timeout, root).ask(CALL, r.url("/inbound"), "default"));
        }
    }
}
