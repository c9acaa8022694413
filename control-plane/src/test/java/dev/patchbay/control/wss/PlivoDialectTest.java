package dev.patchbay.control.wss;

import com.google.protobuf.ByteString;
import dev.patchbay.media.codec.G711;
import dev.patchbay.proto.media.v1.AudioFormat;
import org.junit.jupiter.api.Test;

import static dev.patchbay.control.wss.Codecs.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlivoDialectTest {

    @Test
    void encodesTheAudioStreamEventsExactly() {
        PlivoDialect plivo = new PlivoDialect(Codecs.target("plivo", 16000));
        OutFrame out = new OutFrame();
        String id = plivo.streamId();
        assertEquals(AudioFormat.L16_16K, plivo.format());
        assertTrue(plivo.opening(0, out));
        assertEquals("{\"event\":\"start\",\"sequenceNumber\":1,\"start\":{\"callId\":\"CA1\",\"streamId\":\"" + id
                + "\",\"accountId\":\"ws_1\",\"tracks\":[\"inbound\"],\"mediaFormat\":{\"encoding\":\"audio/x-l16\",\"sampleRate\":16000}},"
                + "\"extra_headers\":\"{\\\"agent\\\":\\\"sales\\\",\\\"note\\\":\\\"say \\\\\\\"hi\\\\\\\"\\\"}\"}", text(out));
        assertFalse(plivo.opening(1, out));
        assertTrue(plivo.caller(Codecs.audio(3, 1, 2, 3), out));
        assertEquals("{\"event\":\"media\",\"sequenceNumber\":2,\"streamId\":\"" + id
                + "\",\"media\":{\"track\":\"inbound\",\"timestamp\":\"0\",\"chunk\":1,\"payload\":\"AQID\"}}", text(out));
        assertTrue(plivo.caller(Codecs.audio(4, 1, 2, 3), out));
        assertTrue(plivo.caller(Codecs.digit("7", 100), out));
        assertEquals("{\"event\":\"dtmf\",\"sequenceNumber\":4,\"streamId\":\"" + id
                + "\",\"dtmf\":{\"track\":\"inbound\",\"digit\":\"7\",\"timestamp\":\"20\"}}", text(out));
        assertTrue(plivo.caller(Codecs.mark("cp1", false), out));
        assertEquals("{\"event\":\"playedStream\",\"sequenceNumber\":5,\"streamId\":\"" + id + "\",\"name\":\"cp1\"}", text(out));
        assertFalse(plivo.caller(Codecs.mark("cp2", true), out), "a cleared checkpoint is not played");
        assertTrue(plivo.cleared(out));
        assertEquals("{\"event\":\"clearedAudio\",\"sequenceNumber\":6,\"streamId\":\"" + id + "\"}", text(out));
        PlivoDialect narrow = new PlivoDialect(Codecs.target("plivo", 8000));
        assertEquals(AudioFormat.PCMU, narrow.format());
        assertTrue(narrow.opening(0, out));
        assertTrue(text(out).contains("\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000}"), text(out));
    }

    @Test
    void decodesPlayAudioCheckpointClearAndDtmf() {
        PlivoDialect narrow = new PlivoDialect(Codecs.target("plivo", 8000));
        assertEquals(new BotCommand.Play(ByteString.copyFrom(new byte[] {(byte) 0xFF, 0x7E})), narrow.text(
                "{\"event\":\"playAudio\",\"media\":{\"contentType\":\"audio/x-mulaw\",\"sampleRate\":8000,\"payload\":\"/34=\"}}"));
        // L16 on a mu-law stream is encoded here: 0 -> 0xFF, 1000 -> its mu-law code
        assertEquals(new BotCommand.Play(ByteString.copyFrom(new byte[] {(byte) 0xFF, G711.linearToUlaw((short) 1000)})), narrow.text(
                "{\"event\":\"playAudio\",\"media\":{\"contentType\":\"audio/x-l16\",\"sampleRate\":8000,\"payload\":\"AADoAw==\"}}"));
        assertInstanceOf(BotCommand.Invalid.class, narrow.text(
                "{\"event\":\"playAudio\",\"media\":{\"contentType\":\"audio/x-l16\",\"sampleRate\":16000,\"payload\":\"AADoAw==\"}}"));
        PlivoDialect wide = new PlivoDialect(Codecs.target("plivo", 16000));
        assertEquals(new BotCommand.Play(ByteString.copyFrom(new byte[] {0, 0, (byte) 0xE8, 3})), wide.text(
                "{\"event\":\"playAudio\",\"media\":{\"contentType\":\"audio/x-l16\",\"sampleRate\":16000,\"payload\":\"AADoAw==\"}}"));
        assertEquals(new BotCommand.Mark("cp1"), wide.text("{\"event\":\"checkpoint\",\"streamId\":\"s\",\"name\":\"cp1\"}"));
        assertEquals(new BotCommand.Clear(), wide.text("{\"event\":\"clearAudio\",\"streamId\":\"s\"}"));
        assertEquals(new BotCommand.Digits("123"), wide.text("{\"event\":\"sendDTMF\",\"dtmf\":\"123\"}"));
        assertEquals(new BotCommand.Return("{\"transferType\":\"SYSTEM\"}"),
                wide.text("{\"event\":\"return\",\"return\":{\"transferType\":\"SYSTEM\"}}"));
        assertInstanceOf(BotCommand.Invalid.class, wide.text("{\"event\":\"return\"}"));
        assertInstanceOf(BotCommand.Invalid.class, wide.text("{\"event\":\"checkpoint\"}"));
        assertInstanceOf(BotCommand.Invalid.class, wide.text("{\"event\":\"media\"}"));
    }

    @Test
    void muLawEncodingIsSunsAndMatchesTheMediaPlaneOnG711Inputs() {
        for (int s = Short.MIN_VALUE; s <= Short.MAX_VALUE; s += 4) {
            assertEquals(G711.linearToUlaw((short) s), Mulaw.encode((short) s), "sample " + s);
        }
        // Sun g711.c linear2ulaw at the edges: silence, the smallest negative, and both extremes.
        assertEquals((byte) 0xFF, Mulaw.encode((short) 0));
        assertEquals((byte) 0x7F, Mulaw.encode((short) -1));
        assertEquals((byte) 0x80, Mulaw.encode(Short.MAX_VALUE));
        assertEquals((byte) 0x00, Mulaw.encode(Short.MIN_VALUE));
    }
}
