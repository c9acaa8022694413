package dev.patchbay.agents.transcripts.asr;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.patchbay.agents.transcripts.Segment;

/**
 * Streams a recorded call (Patchbay's WAV: 16-bit PCM, caller left, bot right) to a
 * {@link TranscriptionProvider} in 100 ms frames and turns its final results into transcript segments,
 * the same segments a bot posts: channel 0 speaks as {@code caller}, channel 1 as {@code recipient}.
 */
public final class RecordingTranscriber {

    private static final String[] SPEAKERS = {"caller", "recipient"};

    private final TranscriptionProvider provider;
    private final Duration timeout;

    /** {@code timeout}: the longest any one step (connect, a frame, the last results) may take. */
    public RecordingTranscriber(TranscriptionProvider provider, Duration timeout) {
        this.provider = provider;
        this.timeout = timeout;
    }

    /** The final segments of {@code wav}, in the order the recogniser sent them. */
    public List<Segment> transcribe(InputStream wav, String language) throws IOException {
        DataInputStream in = new DataInputStream(wav);
        byte[] header = in.readNBytes(44);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        if (header.length < 44 || !"RIFF".equals(ascii(header, 0)) || !"WAVE".equals(ascii(header, 8))
                || h.getShort(20) != 1 || h.getShort(34) != 16 || !"data".equals(ascii(header, 36))) {
            throw new IOException("not a canonical 16-bit PCM WAV, as Patchbay records");
        }
        int channels = h.getShort(22);
        int rate = h.getInt(24);
        List<Segment> finals = Collections.synchronizedList(new ArrayList<>());
        TranscriptionProvider.Stream stream = await(provider.open(new TranscriptionProvider.Format(rate, channels, language),
                r -> {
                    if (r.isFinal()) {
                        finals.add(new Segment(SPEAKERS[Math.min(r.channel(), 1)], r.text(), r.start(), r.confidence(), language));
                    }
                }));
        try {
            byte[] frame = new byte[rate * channels * 2 / 10];
            int n;
            while ((n = in.readNBytes(frame, 0, frame.length)) > 0) {
                await(stream.audio(ByteBuffer.wrap(frame.clone(), 0, n)));
            }
            await(stream.finish());
        } catch (IOException | RuntimeException e) {
            stream.abort();
            throw e;
        }
        return List.copyOf(finals);
    }

    private <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while streaming to the ASR", e);
        } catch (ExecutionException e) {
            throw new IOException("the ASR failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the ASR did not answer within " + timeout, e);
        }
    }

    private static String ascii(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.US_ASCII);
    }
}
