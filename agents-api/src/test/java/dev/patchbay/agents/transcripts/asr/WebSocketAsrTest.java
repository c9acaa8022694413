package dev.patchbay.agents.transcripts.asr;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.patchbay.agents.transcripts.Segment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Deepgram-style WebSocket provider against {@link FakeAsr} on loopback (the allowed stand-in). */
class WebSocketAsrTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aRecordingStreamsUpAndItsFinalResultsComeBackAsSegmentsPerSpeaker() throws Exception {
        try (FakeAsr asr = new FakeAsr()) {
            byte[] wav = FakeAsr.wav(8000, 2.5);
            RecordingTranscriber transcriber = new RecordingTranscriber(
                    new WebSocketAsr(URI.create(asr.url()), "k123", WAIT), WAIT);

            List<Segment> segments = transcriber.transcribe(new ByteArrayInputStream(wav), "en-US");

            long audio = wav.length - 44;
            assertEquals(List.of(
                    new Segment("caller", "channel 0 heard " + audio + " bytes", 1.5, 0.90, "en-US"),
                    new Segment("recipient", "channel 1 heard " + audio + " bytes", 1.5, 0.91, "en-US")), segments,
                    "every byte reached the recogniser; the two interim results were not kept");
            FakeAsr.Seen seen = asr.seen.poll(1, TimeUnit.SECONDS);
            assertEquals("Token k123", seen.authorization());
            for (String p : List.of("encoding=linear16", "sample_rate=8000", "channels=2", "multichannel=true",
                    "interim_results=true", "language=en-US")) {
                assertTrue(seen.query().contains(p), p + " in " + seen.query());
            }
        }
    }

    @Test
    void aProviderResultIsTypedAndInterimOnesAreMarked() throws Exception {
        try (FakeAsr asr = new FakeAsr()) {
            BlockingQueue<TranscriptionProvider.Result> got = new LinkedBlockingQueue<>();
            TranscriptionProvider.Stream s = new WebSocketAsr(URI.create(asr.url()), "", WAIT)
                    .open(new TranscriptionProvider.Format(16000, 1, null), got::add).get(10, TimeUnit.SECONDS);
            s.audio(ByteBuffer.wrap(new byte[32000])).get(10, TimeUnit.SECONDS);
            TranscriptionProvider.Result interim = got.poll(10, TimeUnit.SECONDS);
            assertEquals(new TranscriptionProvider.Result(0, "partial 1", 0.0, 1.0, 0.90, false), interim);
            s.finish().get(10, TimeUnit.SECONDS);
            assertEquals(new TranscriptionProvider.Result(0, "channel 0 heard 32000 bytes", 0.0, 1.0, 0.90, true), got.poll());
            assertEquals("", asr.seen.poll().authorization(), "no key, no Authorization header");
        }
    }

    @Test
    void anUnreachableRecogniserOrABadUrlIsNamed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        RecordingTranscriber transcriber = new RecordingTranscriber(
                new WebSocketAsr(URI.create("ws://127.0.0.1:" + closedPort + "/v1/listen"), "", WAIT), WAIT);
        IOException e = assertThrows(IOException.class, () -> transcriber.transcribe(new ByteArrayInputStream(FakeAsr.wav(8000, 0.1)), null));
        assertTrue(e.getMessage().startsWith("the ASR failed"), e.getMessage());
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> new WebSocketAsr(URI.create("https://asr.example/listen"), "", WAIT));
        assertTrue(url.getMessage().contains("patchbay.agents.transcripts.asr.url"), url.getMessage());
        assertThrows(IOException.class, () -> transcriber.transcribe(new ByteArrayInputStream(new byte[10]), null),
                "not a WAV");
    }
}
