package dev.patchbay.control.wss;

import java.util.LinkedHashMap;
import java.util.Map;

import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.AudioFormat;
import org.junit.jupiter.api.Test;

import static dev.patchbay.control.wss.Codecs.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwilioDialectTest {

    private final TwilioDialect twilio = new TwilioDialect(Codecs.target("twilio", 16000));
    private final OutFrame out = new OutFrame();

    @Test
    void encodesTheGatewayMessagesExactly() {
        String sid = twilio.streamSid();
        assertTrue(sid.matches("MZ[0-9a-f]{32}"), sid);
        assertEquals(AudioFormat.PCMU, twilio.format(), "Twilio is 8 kHz mu-law whatever rate was asked");
        assertTrue(twilio.opening(0, out));
        assertEquals("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}", text(out));
        assertTrue(twilio.opening(1, out));
        assertEquals("{\"event\":\"start\",\"sequenceNumber\":\"1\",\"streamSid\":\"" + sid + "\",\"start\":{\"streamSid\":\"" + sid
                + "\",\"accountSid\":\"ws_1\",\"callSid\":\"CA1\",\"tracks\":[\"inbound\"],"
                + "\"customParameters\":{\"agent\":\"sales\",\"note\":\"say \\\"hi\\\"\"},"
                + "\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}}}", text(out));
        assertFalse(twilio.opening(2, out));

        assertTrue(twilio.caller(Codecs.audio(7, 0xFF, 0x00, 0x7E, 0x01), out));
        assertEquals("{\"event\":\"media\",\"sequenceNumber\":\"2\",\"streamSid\":\"" + sid + "\",\"media\":{\"track\":\"inbound\","
                + "\"chunk\":\"1\",\"timestamp\":\"0\",\"payload\":\"/wB+AQ==\"}}", text(out));
        assertTrue(twilio.caller(Codecs.audio(9, 1, 2, 3), out));
        assertEquals("{\"event\":\"media\",\"sequenceNumber\":\"3\",\"streamSid\":\"" + sid + "\",\"media\":{\"track\":\"inbound\","
                + "\"chunk\":\"2\",\"timestamp\":\"40\",\"payload\":\"AQID\"}}", text(out));
        assertTrue(twilio.caller(Codecs.digit("#", 100), out));
        assertEquals("{\"event\":\"dtmf\",\"sequenceNumber\":\"4\",\"streamSid\":\"" + sid
                + "\",\"dtmf\":{\"track\":\"inbound_track\",\"digit\":\"#\"}}", text(out));
        assertTrue(twilio.caller(Codecs.mark("m\\1", true), out));
        assertEquals("{\"event\":\"mark\",\"sequenceNumber\":\"5\",\"streamSid\":\"" + sid + "\",\"mark\":{\"name\":\"m\\\\1\"}}", text(out));
        assertTrue(twilio.stop(out));
        assertEquals("{\"event\":\"stop\",\"sequenceNumber\":\"6\",\"streamSid\":\"" + sid
                + "\",\"stop\":{\"accountSid\":\"ws_1\",\"callSid\":\"CA1\"}}", text(out));
        assertFalse(twilio.cleared(out), "Twilio has no clear acknowledgement");

        assertTrue(twilio.opening(0, out));
        assertTrue(twilio.opening(1, out));
        assertTrue(text(out).contains("\"sequenceNumber\":\"1\",\"streamSid\":\"" + sid + "\""), "a reconnect starts a new sequence, same stream");
    }

    /** The opt-in: a route's audioFormat parameter asks for 16 kHz L16, announced in start; anything else stays mu-law. */
    @Test
    void audioFormatParameterOptsIntoWidebandL16() {
        BridgeTarget base = Codecs.target("twilio", 8000);
        Map<String, String> params = new LinkedHashMap<>(base.customParameters());
        params.put("audioFormat", "audio/L16; rate=16000");
        TwilioDialect wide = new TwilioDialect(new BridgeTarget(base.callId(), base.attachToken(), base.url(), base.dialect(),
                base.sampleRate(), params, base.accountId(), base.from(), base.to(), base.connectTimeout(), base.reconnectGrace()));
        assertEquals(AudioFormat.L16_16K, wide.format());
        assertTrue(wide.opening(1, out));
        assertTrue(text(out).endsWith("\"mediaFormat\":{\"encoding\":\"audio/l16\",\"sampleRate\":16000,\"channels\":1}}}"), text(out));

        params.put("audioFormat", "audio/l16;rate=8000");
        TwilioDialect narrow = new TwilioDialect(new BridgeTarget(base.callId(), base.attachToken(), base.url(), base.dialect(),
                base.sampleRate(), params, base.accountId(), base.from(), base.to(), base.connectTimeout(), base.reconnectGrace()));
        assertEquals(AudioFormat.PCMU, narrow.format(), "only the 16 kHz value opts in");
    }

    @Test
    void decodesBotMessagesAndPatchbayExtensions() {
        assertEquals(new BotCommand.Play(ByteString.copyFrom(new byte[] {(byte) 0xFF, 0, 0x7E, 1})),
                twilio.text("{\"event\":\"media\",\"streamSid\":\"MZ1\",\"media\":{\"payload\":\"/wB+AQ==\"}}"));
        assertEquals(new BotCommand.Mark("m1"), twilio.text("{\"event\":\"mark\",\"streamSid\":\"MZ1\",\"mark\":{\"name\":\"m1\"}}"));
        assertEquals(new BotCommand.Clear(), twilio.text("{\"event\":\"clear\",\"streamSid\":\"MZ1\"}"));
        assertInstanceOf(BotCommand.Hangup.class, twilio.text("{\"event\":\"hangup\"}"));
        assertEquals(new BotCommand.Transfer("+14155550100"), twilio.text("{\"event\":\"transfer\",\"transfer\":{\"to\":\"+14155550100\"}}"));
        assertEquals(new BotCommand.Digits("12#"), twilio.text("{\"event\":\"dtmf\",\"dtmf\":{\"digits\":\"12#\"}}"));
        assertEquals(new BotCommand.Return("{\"transferType\":\"AGENT\",\"referenceVariables\":{\"a\":\"1\"}}"),
                twilio.text("{\"event\":\"return\",\"return\":{\"transferType\":\"AGENT\",\"referenceVariables\":{\"a\":\"1\"}}}"));
        assertEquals(new BotCommand.Consult("start", "sip:agent@pbx.example.com", null, null),
                twilio.text("{\"event\":\"consult\",\"consult\":{\"action\":\"start\",\"to\":\"sip:agent@pbx.example.com\"}}"));
        assertEquals(new BotCommand.Consult("complete", null, "media_bridge", null),
                twilio.text("{\"event\":\"consult\",\"consult\":{\"action\":\"complete\",\"method\":\"media_bridge\"}}"));
        assertEquals(new BotCommand.Consult("cancel", null, null, null), twilio.text("{\"event\":\"consult\",\"consult\":{\"action\":\"cancel\"}}"));
        assertEquals(new BotCommand.Consult("start", "+14155550100", null, "queue.wav"), twilio.text(
                "{\"event\":\"consult\",\"consult\":{\"action\":\"start\",\"to\":\"+14155550100\",\"hold\":\"queue.wav\"}}"));
        for (String bad : new String[] {"", "[]", "{", "{\"event\":\"media\",\"media\":{\"payload\":\"@@\"}}", "{\"event\":\"mark\"}",
                "{\"event\":\"consult\"}", "{\"event\":\"consult\",\"consult\":{\"action\":\"start\"}}",
                "{\"event\":\"consult\",\"consult\":{\"action\":\"hold\"}}",
                "{\"event\":\"transfer\"}", "{\"event\":\"start\"}", "{\"nope\":1}", "{\"event\":\"return\"}",
                "{\"event\":\"return\",\"return\":\"AGENT\"}"}) {
            assertInstanceOf(BotCommand.Invalid.class, twilio.text(bad), bad);
        }
        assertInstanceOf(BotCommand.Invalid.class, twilio.binary(java.nio.ByteBuffer.allocate(4)));
    }

    @Test
    void base64MatchesTheJdkForEveryTailLength() {
        for (int n = 0; n < 8; n++) {
            byte[] data = new byte[n];
            for (int i = 0; i < n; i++) {
                data[i] = (byte) (i * 97 + 13);
            }
            assertEquals(java.util.Base64.getEncoder().encodeToString(data),
                    JsonText.base64(new StringBuilder(), java.util.Arrays.copyOf(data, n + 3), n).toString());
        }
    }

    @Test
    void unknownDialectsAndBadTargetsAreRefusedNamingTheFix() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Dialect.create(Codecs.target("Carrier-Pigeon", 8000)));
        assertTrue(e.getMessage().contains("'carrier-pigeon'") && e.getMessage().contains("use twilio, jambonz or plivo"), e.getMessage());
        assertInstanceOf(TwilioDialect.class, Dialect.create(Codecs.target(" ", 8000)), "blank means twilio");
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Codecs.target("twilio", 44100));
        assertTrue(e.getMessage().contains("must be 8000 or 16000"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new BridgeTarget("CA1", "t",
                java.net.URI.create("https://bot.example/"), "twilio", 8000, null, null, null, null,
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("must be ws:// or wss://"), e.getMessage());
    }

    @Test
    void transferTargetsBecomeReferToUris() {
        assertEquals("tel:+14155550100", TransferTarget.uri(" +1 (415) 555-0100 ").orElseThrow());
        assertEquals("sip:agent@pbx.example.com;transport=tcp", TransferTarget.uri("sip:agent@pbx.example.com;transport=tcp").orElseThrow());
        assertEquals("tel:+442071234567", TransferTarget.uri("tel:+442071234567").orElseThrow());
        assertTrue(TransferTarget.uri("agent 42").isEmpty());
        assertTrue(TransferTarget.uri("").isEmpty());
    }
}
