package dev.patchbay.control.wss;

import java.nio.ByteBuffer;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.AudioFormat;
import org.junit.jupiter.api.Test;

import static dev.patchbay.control.wss.Codecs.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JambonzDialectTest {

    private final JambonzDialect jambonz = new JambonzDialect(Codecs.target("jambonz", 16000));
    private final OutFrame out = new OutFrame();

    @Test
    void opensWithOneJsonFrameThenSendsBinaryL16() throws Exception {
        assertEquals(AudioFormat.L16_16K, jambonz.format());
        assertEquals(AudioFormat.L16_8K, new JambonzDialect(Codecs.target("jambonz", 8000)).format());
        assertEquals(List.of("audio.jambonz.org"), jambonz.subprotocols());
        assertTrue(jambonz.opening(0, out));
        assertFalse(out.isBinary());
        assertEquals(new ObjectMapper().readTree("{\"callSid\":\"CA1\",\"direction\":\"inbound\",\"from\":\"+15550001111\","
                + "\"to\":\"+15550002222\",\"accountSid\":\"ws_1\",\"sampleRate\":16000,\"mixType\":\"mono\","
                + "\"agent\":\"sales\",\"note\":\"say \\\"hi\\\"\"}"), new ObjectMapper().readTree(text(out)));
        assertFalse(jambonz.opening(1, out));

        assertTrue(jambonz.caller(Codecs.audio(0, 1, 2, 3, 4), out));
        assertTrue(out.isBinary());
        ByteBuffer b = out.binaryFrame();
        byte[] sent = new byte[b.remaining()];
        b.get(sent);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, sent);

        assertTrue(jambonz.caller(Codecs.digit("5", 100), out));
        assertEquals("{\"event\":\"dtmf\",\"dtmf\":\"5\",\"duration\":\"800\"}", text(out));
        assertFalse(jambonz.stop(out), "jambonz ends the stream by closing the socket");
    }

    @Test
    void decodesCommandsAndReportsMarksUnlessClearedByClearMarks() {
        assertEquals(new BotCommand.Clear(), jambonz.text("{\"type\":\"killAudio\"}"));
        assertInstanceOf(BotCommand.Hangup.class, jambonz.text("{\"type\":\"disconnect\"}"));
        assertEquals(new BotCommand.Transfer("sip:a@b"), jambonz.text("{\"type\":\"transfer\",\"data\":{\"to\":\"sip:a@b\"}}"));
        assertEquals(new BotCommand.Return("{\"transferType\":\"AGENT\",\"currentTaskName\":\"billing\"}"),
                jambonz.text("{\"type\":\"return\",\"data\":{\"transferType\":\"AGENT\",\"currentTaskName\":\"billing\"}}"));
        assertInstanceOf(BotCommand.Invalid.class, jambonz.text("{\"type\":\"return\",\"data\":\"AGENT\"}"));
        assertEquals(new BotCommand.Mark("m1"), jambonz.text("{\"type\":\"mark\",\"data\":{\"name\":\"m1\"}}"));
        assertTrue(jambonz.caller(Codecs.mark("m1", false), out));
        assertEquals("{\"type\":\"mark\",\"data\":{\"name\":\"m1\",\"event\":\"playout\"}}", text(out));
        jambonz.text("{\"type\":\"mark\",\"data\":{\"name\":\"m2\"}}");
        assertTrue(jambonz.caller(Codecs.mark("m2", true), out));
        assertEquals("{\"type\":\"mark\",\"data\":{\"name\":\"m2\",\"event\":\"cleared\"}}", text(out));
        jambonz.text("{\"type\":\"mark\",\"data\":{\"name\":\"m3\"}}");
        assertEquals(new BotCommand.Nothing(), jambonz.text("{\"type\":\"clearMarks\"}"));
        assertFalse(jambonz.caller(Codecs.mark("m3", false), out), "clearMarks removes the mark's report");

        assertEquals(new BotCommand.Play(ByteString.copyFrom(new byte[] {1, 0, (byte) 0xFF, 0x7F})),
                jambonz.binary(ByteBuffer.wrap(new byte[] {1, 0, (byte) 0xFF, 0x7F})));
        assertInstanceOf(BotCommand.Invalid.class, jambonz.binary(ByteBuffer.wrap(new byte[3])), "half a sample");
        assertInstanceOf(BotCommand.Invalid.class, jambonz.text("{\"type\":\"playAudio\",\"data\":{}}"));
        assertInstanceOf(BotCommand.Invalid.class, jambonz.text("{\"type\":\"mark\"}"));
        assertInstanceOf(BotCommand.Invalid.class, jambonz.text("nonsense"));
    }
}
