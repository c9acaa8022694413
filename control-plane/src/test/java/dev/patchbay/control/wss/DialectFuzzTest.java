package dev.patchbay.control.wss;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Any text or binary WebSocket message a bot sends, in each dialect (Twilio, Plivo at 8 and 16 kHz,
 * jambonz): the Jackson-tree reading ({@link Dialect#text}) gives a command and never throws, and the
 * tree-free fast path ({@link Dialect#decode}) gives the same command. The first byte picks the dialect,
 * the second text or binary, the rest is the message. Regression inputs:
 * src/test/resources/dev/patchbay/control/wss/DialectFuzzTestInputs/.
 */
class DialectFuzzTest {

    private static final List<BridgeTarget> TARGETS = List.of(Codecs.target("twilio", 8000), Codecs.target("plivo", 8000),
            Codecs.target("plivo", 16000), Codecs.target("jambonz", 8000));

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void botMessage(FuzzedDataProvider data) {
        BridgeTarget target = TARGETS.get(data.consumeInt(0, TARGETS.size() - 1));
        boolean binary = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        Dialect tree = Dialect.create(target);
        Dialect streaming = Dialect.create(target);
        BotCommand.Audio audio = new BotCommand.Audio();
        if (binary) {
            BotCommand want = tree.binary(ByteBuffer.wrap(bytes));
            assertNotNull(want);
            assertEquals(want, StreamingDecodeTest.plain(streaming.decodeBinary(ByteBuffer.wrap(bytes), audio)));
            return;
        }
        String message = new String(bytes, StandardCharsets.UTF_8);
        BotCommand want = tree.text(message);
        assertNotNull(want);
        assertEquals(want, StreamingDecodeTest.plain(streaming.decode(new StringBuilder(message), audio)), message);
    }
}
