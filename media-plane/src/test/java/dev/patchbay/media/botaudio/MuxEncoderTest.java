package dev.patchbay.media.botaudio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

import com.google.protobuf.ByteString;

import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallEnded;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.DtmfEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.MuxBotMessage;
import dev.patchbay.proto.media.v1.MuxCallerMessage;
import dev.patchbay.proto.media.v1.MuxLeave;
import dev.patchbay.proto.media.v1.MuxToBot;
import dev.patchbay.proto.media.v1.MuxToCaller;
import dev.patchbay.proto.mux.MuxEncoder;
import io.grpc.Drainable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-place MuxToBot writer produces exactly protobuf-java's bytes, edge values included. */
class MuxEncoderTest {

    private static final int[] CHANNELS = {0, 1, 127, 128, 300, 16_384, Integer.MAX_VALUE, -1};
    private static final int[] SEQUENCES = {0, 1, 127, 128, 65_535, Integer.MAX_VALUE, -1};
    private static final long[] TIMESTAMPS = {0, 160, 1L << 35, Long.MAX_VALUE, -1};
    private static final int[] LENGTHS = {0, 1, 160, 320, 640};

    @Test
    void everyEdgeValueIsWrittenAsProtobufWritesIt() throws IOException {
        Random random = new Random(7);
        MuxEncoder encoder = new MuxEncoder();
        MuxToBot.Builder expected = MuxToBot.newBuilder();
        for (int channel : CHANNELS) {
            for (int sequence : SEQUENCES) {
                for (long timestamp : TIMESTAMPS) {
                    for (int length : LENGTHS) {
                        AudioFormat format = AudioFormat.forNumber(random.nextInt(4));
                        byte[] payload = new byte[length + 5]; // only the first length bytes count
                        random.nextBytes(payload);
                        encoder.audio(channel, payload, 0, length, sequence, timestamp, format.getNumber());
                        expected.addMessages(MuxCallerMessage.newBuilder().setChannel(channel).setMessage(CallerToBot.newBuilder()
                                .setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(payload, 0, length))
                                        .setSequence(sequence).setTimestamp(timestamp).setFormat(format))));
                    }
                }
            }
            CallerToBot other = channel % 2 == 0
                    ? CallerToBot.newBuilder().setDtmf(DtmfEvent.newBuilder().setDigit("5").setDurationMs(100)).build()
                    : CallerToBot.newBuilder().setEnded(CallEnded.newBuilder().setCause(HangupCause.ERROR).setReason("é " + channel)).build();
            encoder.message(channel, other);
            expected.addMessages(MuxCallerMessage.newBuilder().setChannel(channel).setMessage(other));
        }
        byte[] want = expected.build().toByteArray();
        assertEquals(expected.getMessagesCount(), encoder.count());
        assertEquals(want.length, encoder.size(), "the size it reports, having grown past its first 32 KB");
        assertArrayEquals(want, drained(encoder.stream()));
        assertArrayEquals(want, encoder.stream().readAllBytes(), "read() gives the same bytes as drainTo");
    }

    @Test
    void resetStartsAnEmptyBatchAndTheStreamIsReused() throws IOException {
        MuxEncoder encoder = new MuxEncoder();
        encoder.audio(3, new byte[] {1, 2, 3}, 0, 3, 9, 1440, AudioFormat.PCMU_VALUE);
        InputStream first = encoder.stream();
        drained(first);
        encoder.reset();
        assertEquals(0, encoder.count());
        encoder.audio(4, new byte[] {9}, 0, 1, 0, 0, 0);
        InputStream second = encoder.stream();
        assertEquals(first, second, "one stream object per encoder: nothing allocated per batch");
        byte[] want = MuxToBot.newBuilder().addMessages(MuxCallerMessage.newBuilder().setChannel(4).setMessage(CallerToBot.newBuilder()
                .setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(new byte[] {9}))))).build().toByteArray();
        assertEquals(want.length, second.available(), "gRPC reads the length first");
        assertArrayEquals(want, drained(second));
        assertEquals(0, second.available());
    }

    @Tag("allocation")

    @Test
    void aSteadyStreamOfFramesAllocatesNothing() {
        MuxEncoder encoder = new MuxEncoder();
        byte[] payload = new byte[320];
        java.io.OutputStream sink = java.io.OutputStream.nullOutputStream();
        int[] seq = {0};
        long bytes = Allocations.measure(5000, () -> {
            for (int channel = 0; channel < 50; channel++) { // one wake-up of a loop with 50 calls
                encoder.audio(channel, payload, 0, payload.length, seq[0], seq[0] * 160L, AudioFormat.L16_8K_VALUE);
            }
            try {
                ((Drainable) encoder.stream()).drainTo(sink);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            encoder.reset();
            seq[0]++;
        });
        assertTrue(bytes < 4096, "250,000 frames allocated " + bytes + " bytes");
    }

    private static byte[] drained(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = ((Drainable) in).drainTo(out);
        assertEquals(out.size(), n);
        return Arrays.copyOf(out.toByteArray(), out.size());
    }

    /** The bot's direction, as the control-plane's WSS bridges write it: a leave, and a frame from an offset. */
    @Test
    void aLeaveAndAFrameFromAnOffsetAreWhatProtobufWritesForMuxToCaller() throws IOException {
        MuxEncoder encoder = new MuxEncoder();
        encoder.leave(300, MuxLeave.DETACH_VALUE);
        encoder.audio(300, new byte[] {9, 5, 6}, 1, 2, 0, 0, 0);
        MuxToCaller want = MuxToCaller.newBuilder()
                .addMessages(MuxBotMessage.newBuilder().setChannel(300).setLeave(MuxLeave.DETACH))
                .addMessages(MuxBotMessage.newBuilder().setChannel(300).setMessage(BotToCaller.newBuilder()
                        .setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(new byte[] {5, 6})))))
                .build();
        assertEquals(2, encoder.count());
        assertArrayEquals(want.toByteArray(), encoder.stream().readAllBytes());
    }
}
