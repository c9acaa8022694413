package dev.patchbay.media.botaudio;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;

import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.proto.media.v1.AudioAttach;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.Clear;
import dev.patchbay.proto.media.v1.Mark;
import dev.patchbay.proto.media.v1.MuxBotMessage;
import dev.patchbay.proto.media.v1.MuxLeave;
import dev.patchbay.proto.media.v1.MuxToCaller;
import dev.patchbay.proto.mux.MuxDecoder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-place MuxToCaller reader means what protobuf-java means: same entries, same values, and it
 * refuses what protobuf refuses, checked on crafted edge cases and on thousands of damaged batches.
 */
class MuxDecoderTest {

    /** One entry as the handler saw it: {@code audio} when it came by the in-place path. */
    private record Entry(int channel, int leave, BotToCaller message, byte[] audio) {
    }

    private static List<Entry> decoded(byte[] b) throws InvalidProtocolBufferException {
        List<Entry> out = new ArrayList<>();
        new MuxDecoder<>(BotToCaller.parser()).decode(b, b.length, new MuxDecoder.Handler<BotToCaller>() {
            @Override
            public void message(int channel, int leave, BotToCaller message) {
                out.add(new Entry(channel, leave, message, null));
            }

            @Override
            public void audio(int channel, int leave, byte[] bytes, int offset, int length) {
                out.add(new Entry(channel, leave, null, Arrays.copyOfRange(bytes, offset, offset + length)));
            }
        });
        return out;
    }

    /** Returns how many entries went the in-place way. */
    static int assertSameAsProtobuf(byte[] b) throws InvalidProtocolBufferException {
        MuxToCaller parsed;
        try {
            parsed = MuxToCaller.parseFrom(b);
        } catch (InvalidProtocolBufferException refused) {
            assertThrows(InvalidProtocolBufferException.class, () -> decoded(b), "protobuf refused: " + refused.getMessage());
            return 0;
        }
        List<Entry> ours = decoded(b);
        assertEquals(parsed.getMessagesCount(), ours.size());
        int inPlace = 0;
        for (int i = 0; i < ours.size(); i++) {
            MuxBotMessage want = parsed.getMessages(i);
            Entry got = ours.get(i);
            assertEquals(want.getChannel(), got.channel(), "channel of entry " + i);
            assertEquals(want.getLeaveValue(), got.leave(), "leave of entry " + i);
            if (got.audio() != null) {
                inPlace++;
                assertTrue(want.getMessage().hasAudio(), "entry " + i + " is audio");
                assertArrayEquals(want.getMessage().getAudio().getPayload().toByteArray(), got.audio(), "payload of entry " + i);
            } else if (got.message() == null) {
                assertFalse(want.hasMessage(), "entry " + i + " has no message");
            } else {
                assertEquals(want.getMessage(), got.message(), "message of entry " + i);
            }
        }
        return inPlace;
    }

    private static MuxBotMessage audio(int channel, byte[] payload) {
        return MuxBotMessage.newBuilder().setChannel(channel).setMessage(BotToCaller.newBuilder()
                .setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(payload)))).build();
    }

    private static byte[] entry(byte[] muxBotMessage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x0A);
        int n = muxBotMessage.length;
        while ((n & ~0x7F) != 0) {
            out.write((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        out.write(n);
        out.writeBytes(muxBotMessage);
        return out.toByteArray();
    }

    /** A batch with every kind of entry a bot sends, plus what a newer or odd bot might. */
    private static byte[] batch(Random random) {
        byte[] frame = new byte[320];
        random.nextBytes(frame);
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(15, UnknownFieldSet.Field.newBuilder().addVarint(99).addFixed32(7).addFixed64(8)
                        .addLengthDelimited(ByteString.copyFromUtf8("future")).build()).build();
        MuxToCaller typical = MuxToCaller.newBuilder()
                .addMessages(MuxBotMessage.newBuilder().setChannel(1).setMessage(BotToCaller.newBuilder().setAttach(
                        AudioAttach.newBuilder().setCallId("CA1").setToken("t").setFormat(AudioFormat.PCMU))))
                .addMessages(audio(1, frame))
                .addMessages(audio(0, new byte[0]))
                .addMessages(audio(300, Arrays.copyOf(frame, 7)))
                .addMessages(MuxBotMessage.newBuilder().setChannel(2).setMessage(BotToCaller.newBuilder()
                        .setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(frame)).setSequence(5).setTimestamp(800)
                                .setFormat(AudioFormat.L16_16K).setUnknownFields(unknown))))
                .addMessages(MuxBotMessage.newBuilder().setChannel(3).setMessage(BotToCaller.newBuilder().setClear(Clear.getDefaultInstance())))
                .addMessages(MuxBotMessage.newBuilder().setChannel(3).setMessage(BotToCaller.newBuilder().setMark(Mark.newBuilder().setName("m"))))
                .addMessages(MuxBotMessage.newBuilder().setChannel(4).setLeave(MuxLeave.HANG_UP))
                .addMessages(MuxBotMessage.newBuilder().setChannel(5).setLeave(MuxLeave.DETACH).setMessage(BotToCaller.newBuilder()
                        .setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(frame, 0, 3)))))
                .addMessages(MuxBotMessage.newBuilder().setChannel(6).setLeaveValue(9))
                .addMessages(MuxBotMessage.newBuilder().setChannel(7).setMessage(BotToCaller.getDefaultInstance()))
                .addMessages(audio(8, frame).toBuilder().setUnknownFields(unknown))
                .setUnknownFields(unknown)
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(typical.toByteArray());
        // An entry whose message field comes twice (protobuf merges them) and a frame whose payload
        // comes twice (the last one counts).
        out.writeBytes(entry(concat(audio(9, new byte[] {1, 2}).toByteArray(),
                MuxBotMessage.newBuilder().setMessage(BotToCaller.newBuilder().setMark(Mark.newBuilder().setName("x"))).build().toByteArray())));
        byte[] twoPayloads = concat(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(new byte[] {1, 2, 3})).build().toByteArray(),
                AudioFrame.newBuilder().setPayload(ByteString.copyFrom(new byte[] {4})).setSequence(2).build().toByteArray());
        out.writeBytes(entry(concat(new byte[] {0x08, 10, 0x12, (byte) (twoPayloads.length + 2), 0x12, (byte) twoPayloads.length},
                twoPayloads)));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void everyKindOfEntryMeansWhatProtobufMakesOfIt() throws InvalidProtocolBufferException {
        byte[] b = batch(new Random(1));
        List<Entry> ours = decoded(b);
        assertEquals(14, ours.size());
        assertArrayEquals(new byte[] {4}, ours.get(13).audio(), "the last payload counts, in place");
        assertNotNull(ours.get(12).message(), "a merged entry goes to protobuf");
        assertEquals(7, assertSameAsProtobuf(b), "audio-only entries are read in place");
    }

    @Test
    void damagedBatchesAreRefusedOrReadExactlyAsProtobufDoes() throws InvalidProtocolBufferException {
        Random random = new Random(42);
        byte[] good = batch(random);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = good.clone();
            switch (i % 4) {
                case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length));
                case 2 -> {
                    for (int k = 0; k < 3; k++) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                default -> {
                    b = new byte[random.nextInt(64)];
                    random.nextBytes(b);
                }
            }
            try {
                MuxToCaller.parseFrom(b);
            } catch (InvalidProtocolBufferException e) {
                refused++;
            }
            assertSameAsProtobuf(b);
        }
        assertTrue(refused > 2_000 && refused < 18_000, "both outcomes were exercised: " + refused + " refused");
    }

    @Test
    void aTenByteLengthIsReadAsProtobufReadsIt() throws InvalidProtocolBufferException {
        // Found by fuzzing: a length whose 64-bit value is negative sent the reader before the array's start.
        byte[] negative = {0x0A, (byte) 0x92, (byte) 0x92, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, 0x01, 0x00};
        assertTrue(assertThrows(InvalidProtocolBufferException.class, () -> decoded(negative)).getMessage().contains("negative"));
        assertSameAsProtobuf(negative);
        // Upper bits beyond the low 32 are dropped, as protobuf's varint32 does: this length is 2.
        byte[] wide = {0x0A, (byte) 0x82, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, 0x01, 0x08, 0x05};
        assertSameAsProtobuf(wide);
        assertEquals(5, decoded(wide).getFirst().channel());
    }

    @Tag("allocation")

    @Test
    void readingAudioEntriesAllocatesNothing() {
        MuxToCaller.Builder batch = MuxToCaller.newBuilder();
        for (int channel = 0; channel < 50; channel++) {
            batch.addMessages(audio(channel, new byte[320]));
        }
        byte[] b = batch.build().toByteArray();
        MuxDecoder<BotToCaller> decoder = new MuxDecoder<>(BotToCaller.parser());
        long[] played = {0};
        MuxDecoder.Handler<BotToCaller> count = new MuxDecoder.Handler<BotToCaller>() {
            @Override
            public void message(int channel, int leave, BotToCaller message) {
                throw new AssertionError("entry of channel " + channel + " was not read in place");
            }

            @Override
            public void audio(int channel, int leave, byte[] bytes, int offset, int length) {
                played[0] += length;
            }
        };
        long bytes = Allocations.measure(5000, () -> {
            try {
                decoder.decode(b, b.length, count);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(bytes < 4096, "250,000 entries allocated " + bytes + " bytes");
        assertTrue(played[0] >= 5000L * 50 * 320, "every payload was handed over: " + played[0]);
    }

    @Test
    void aTruncatedBatchNamesWhereItEnds() {
        byte[] b = batch(new Random(3));
        InvalidProtocolBufferException e = assertThrows(InvalidProtocolBufferException.class,
                () -> new MuxDecoder<>(BotToCaller.parser()).decode(b, 30, new MuxDecoder.Handler<BotToCaller>() {
                    @Override
                    public void message(int channel, int leave, BotToCaller message) {
                    }

                    @Override
                    public void audio(int channel, int leave, byte[] bytes, int offset, int length) {
                    }
                }));
        assertTrue(e.getMessage().contains("ends inside a field at byte"), e.getMessage());
    }
}
