package dev.patchbay.control.wss;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tree-free decoders ({@link Dialect#decode}) against the Jackson tree ({@link Dialect#text}) on crafted
 * messages (field order, unknown fields, escapes, duplicates, bad JSON, bad base64) and on thousands of
 * random mutations of them; and the steady state of audio both ways allocates nothing.
 */
class StreamingDecodeTest {

    private static final Random RANDOM = new Random(17);

    @Test
    void twilioAgreesWithTheTree() {
        List<String> messages = new ArrayList<>();
        for (int n : new int[] {1, 2, 3, 4, 5, 160, 161, 162, 320}) {
            String b64 = Base64.getEncoder().encodeToString(bytes(n));
            String raw = Base64.getEncoder().withoutPadding().encodeToString(bytes(n));
            messages.add("{\"event\":\"media\",\"streamSid\":\"MZ1\",\"media\":{\"payload\":\"" + b64 + "\"}}");
            messages.add("{\"media\":{\"track\":\"outbound\",\"payload\":\"" + b64 + "\",\"chunk\":\"3\"},\"event\":\"media\"}");
            messages.add(" {\n\t\"event\" : \"media\" ,\r\"x\":[1,-2.5e+3,{\"a\":[]},true,false,null,\"\\u00e9\\n\"],\"media\":{ \"payload\":\""
                    + b64 + "\" } } ");
            messages.add("{\"event\":\"media\",\"media\":{\"payload\":\"" + raw + "\"}}");
            messages.add("{\"event\":\"media\",\"media\":{\"payload\":\"" + b64.replace("/", "\\/") + "\"}}");
        }
        String p = "AQID";
        messages.addAll(List.of(
                "{\"event\":\"\\u006dedia\",\"media\":{\"payload\":\"" + p + "\"}}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"" + p + "\"},\"media\":{\"payload\":\"BAUG\"}}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"" + p + "\"},\"media\":{}}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"" + p + "\"},\"media\":\"AQID\"}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"" + p + "\",\"payload\":\"@@@@\"}}",
                "{\"event\":\"mark\",\"event\":\"media\",\"media\":{\"payload\":\"" + p + "\"}}",
                "{\"event\":\"media\",\"x\":{\"media\":{\"payload\":\"" + p + "\"}}}",
                "{\"event\":\"media\",\"payload\":\"" + p + "\"}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"\"}}",
                "{\"event\":\"media\",\"media\":{\"payload\":5}}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"A===\"}}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"AQI=AQI=\"}}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"AQ I=\"}}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"AB==\"}}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"AQID\"}} trailing",
                "{\"event\":\"media\",\"media\":{\"payload\":\"AQID\"},}",
                "{\"event\":\"media\",\"n\":012,\"media\":{\"payload\":\"AQID\"}}",
                "{'event':'media'}",
                "{\"event\":\"media\",\"media\":{\"payload\":\"AQ\u0001D\"}}",
                "[{\"event\":\"clear\"}]",
                "{\"event\":\"mark\",\"mark\":{\"name\":\"m1\"}}",
                "{\"mark\":{\"name\":\"a \\\"quoted\\\" mark\"},\"event\":\"mark\"}",
                "{\"event\":\"mark\",\"mark\":{\"name\":\"\"}}",
                "{\"event\":\"mark\",\"mark\":{\"name\":7}}",
                "{\"event\":\"mark\",\"mark\":{\"name\":\"m1\"},\"mark\":{\"nom\":\"m2\"}}",
                "{\"event\":\"mark\"}",
                "{\"event\":\"clear\",\"streamSid\":\"MZ1\"}",
                "{\"streamSid\":\"MZ1\",\"unknown\":{\"deep\":[[[{}]]]},\"event\":\"clear\"}",
                "{\"event\":\"Clear\"}",
                "{\"event\":\"clear\"",
                "{\"event\":5}",
                "{\"event\":\"hangup\"}",
                "{\"event\":\"transfer\",\"transfer\":{\"to\":\"+14155550100\"}}",
                "{\"event\":\"dtmf\",\"dtmf\":{\"digits\":\"12#\"}}",
                "{\"event\":\"info\",\"info\":{\"final\":true}}",
                "", "{}", "null", "{\"event\":\"media\",\"media\":{\"payload\":\"AQID\"}}\u00a0"));
        agree(() -> new TwilioDialect(Codecs.target("twilio", 8000)), messages, 18);
    }

    @Test
    void plivoAgreesWithTheTree() {
        List<String> messages = new ArrayList<>();
        for (int n : new int[] {1, 2, 3, 160, 161, 320, 640}) {
            String b64 = Base64.getEncoder().encodeToString(bytes(n));
            for (String type : new String[] {"audio/x-mulaw", "audio/x-l16", "audio/x-mulaw;rate=8000", "audio/wav", "AUDIO/X-L16"}) {
                for (String rate : new String[] {"", ",\"sampleRate\":8000", ",\"sampleRate\":16000", ",\"sampleRate\":\"8000\"",
                        ",\"sampleRate\":8000.0", ",\"sampleRate\":null", ",\"sampleRate\":true", ",\"sampleRate\":-8000"}) {
                    messages.add("{\"event\":\"playAudio\",\"media\":{\"contentType\":\"" + type + "\"" + rate + ",\"payload\":\"" + b64 + "\"}}");
                }
            }
            messages.add("{\"media\":{\"payload\":\"" + b64 + "\",\"sampleRate\":8000,\"contentType\":\"audio/x-mulaw\"},\"event\":\"playAudio\"}");
            messages.add("{\"event\":\"playAudio\",\"media\":{\"payload\":\"" + b64 + "\"}}");
        }
        messages.addAll(List.of("{\"event\":\"checkpoint\",\"streamId\":\"s\",\"name\":\"cp1\"}", "{\"event\":\"checkpoint\",\"name\":\"\"}",
                "{\"event\":\"checkpoint\",\"name\":\"c\\\\p\"}", "{\"event\":\"clearAudio\",\"streamId\":\"s\"}",
                "{\"event\":\"sendDTMF\",\"dtmf\":\"12\"}", "{\"event\":\"playAudio\",\"media\":{\"contentType\":\"audio/x-mulaw\","
                        + "\"payload\":\"AQID\",\"sampleRate\":8000},\"media\":null}"));
        agree(() -> new PlivoDialect(Codecs.target("plivo", 8000)), messages, 20);
        agree(() -> new PlivoDialect(Codecs.target("plivo", 16000)), messages, 4);
    }

    @Test
    void jambonzAgreesWithTheTree() {
        List<String> messages = List.of("{\"type\":\"killAudio\"}", "{\"data\":{},\"type\":\"killAudio\"}",
                "{\"type\":\"mark\",\"data\":{\"name\":\"m1\"}}", "{\"data\":{\"name\":\"m\\u0031\"},\"type\":\"mark\"}",
                "{\"type\":\"mark\",\"data\":{\"name\":\"\"}}", "{\"type\":\"mark\",\"data\":[]}", "{\"type\":\"clearMarks\"}",
                "{\"type\":\"disconnect\"}", "{\"type\":\"transfer\",\"data\":{\"to\":\"sip:a@b\"}}", "{\"type\":\"playAudio\"}");
        agree(() -> new JambonzDialect(Codecs.target("jambonz", 8000)), messages, 0);
        JambonzDialect jambonz = new JambonzDialect(Codecs.target("jambonz", 8000));
        BotCommand.Audio audio = new BotCommand.Audio();
        for (int n : new int[] {0, 2, 320, 640, 3}) {
            byte[] data = bytes(n);
            assertEquals(jambonz.binary(ByteBuffer.wrap(data)), plain(jambonz.decodeBinary(ByteBuffer.wrap(data), audio)), n + " bytes");
        }
    }

    /** Every message (at least {@code minFast} of them audio on the fast path) and 3,000 random mutations of each dialect's messages decode as the tree does. */
    private static void agree(Supplier<Dialect> dialects, List<String> messages, int minFast) {
        Dialect streaming = dialects.get();
        Dialect tree = dialects.get();
        BotCommand.Audio audio = new BotCommand.Audio();
        int fast = 0;
        for (String m : messages) {
            BotCommand got = streaming.decode(new StringBuilder(m), audio);
            fast += got instanceof BotCommand.Audio ? 1 : 0;
            assertEquals(tree.text(m), plain(got), m);
        }
        assertTrue(fast >= minFast, "the well-formed audio messages take the fast path: " + fast + " of " + messages.size());
        for (int i = 0; i < 3000; i++) {
            String m = mutate(messages.get(RANDOM.nextInt(messages.size())));
            assertEquals(tree.text(m), plain(streaming.decode(m, audio)), m);
        }
    }

    @Test
    void audioAllocatesNothingEitherWay() {
        StringBuilder twilioMedia = new StringBuilder("{\"event\":\"media\",\"streamSid\":\"MZ1\",\"media\":{\"payload\":\""
                + Base64.getEncoder().encodeToString(bytes(160)) + "\"}}");
        StringBuilder plivoMedia = new StringBuilder("{\"event\":\"playAudio\",\"media\":{\"contentType\":\"audio/x-l16\",\"sampleRate\":8000,"
                + "\"payload\":\"" + Base64.getEncoder().encodeToString(bytes(320)) + "\"}}");
        ByteBuffer l16 = ByteBuffer.wrap(bytes(320));
        TwilioDialect twilio = new TwilioDialect(Codecs.target("twilio", 8000));
        PlivoDialect plivo = new PlivoDialect(Codecs.target("plivo", 8000));
        JambonzDialect jambonz = new JambonzDialect(Codecs.target("jambonz", 8000));
        BotCommand.Audio audio = new BotCommand.Audio();
        byte[] frame = new byte[160];
        OutFrame out = new OutFrame();
        long bytes = allocated(10_000, () -> {
            check(twilio.decode(twilioMedia, audio));
            check(plivo.decode(plivoMedia, audio));
            check(jambonz.decodeBinary(l16.rewind(), audio));
            twilio.audio(frame, frame.length, 1, out);
            plivo.audio(frame, frame.length, 1, out);
            jambonz.audio(frame, frame.length, 1, out);
        });
        assertTrue(bytes < 4096, "decoding and encoding 10,000 audio frames per dialect allocated " + bytes + " bytes");
    }

    private static void check(BotCommand c) {
        if (!(c instanceof BotCommand.Audio)) {
            throw new AssertionError("not decoded on the fast path: " + c);
        }
    }

    /** The fewest bytes this thread allocated running {@code body} n times, after a warm-up, in up to five rounds. */
    private static long allocated(int n, Runnable body) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < n; i++) {
            body.run();
        }
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < 5 && fewest > 0; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < n; i++) {
                body.run();
            }
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return fewest;
    }

    static BotCommand plain(BotCommand c) {
        return c instanceof BotCommand.Audio a ? new BotCommand.Play(ByteString.copyFrom(a.bytes(), 0, a.length())) : c;
    }

    private static String mutate(String m) {
        StringBuilder sb = new StringBuilder(m);
        String alphabet = "{}[]\":,\\ /=+Aa0-.eu\u00e9\u0001";
        for (int k = 1 + RANDOM.nextInt(3); k > 0 && !sb.isEmpty(); k--) {
            int at = RANDOM.nextInt(sb.length());
            switch (RANDOM.nextInt(3)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, alphabet.charAt(RANDOM.nextInt(alphabet.length())));
                default -> sb.setCharAt(at, alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            }
        }
        return sb.toString();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @Test
    void fallsBackForWhatItIsUnsureOf() {
        JsonScan scan = new JsonScan("a", "a.b");
        assertTrue(scan.scan("{\"a\":{\"b\":\"x\"}}"));
        assertEquals(JsonScan.STRING, scan.kind(1));
        assertTrue(!scan.scan("{\"\\u0061\":1}"), "escaped names go to the tree");
        assertTrue(!scan.scan("{\"a\":\"\u00e9\"}"), "non-ASCII goes to the tree");
        assertTrue(!scan.scan("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"), "deep nesting goes to the tree");
        assertInstanceOf(BotCommand.Invalid.class, new TwilioDialect(Codecs.target("twilio", 8000)).decode("{\"a\":\"\u00e9\"}", new BotCommand.Audio()));
    }
}
