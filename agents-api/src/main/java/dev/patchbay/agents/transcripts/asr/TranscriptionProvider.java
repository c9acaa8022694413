package dev.patchbay.agents.transcripts.asr;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A speech recogniser a call's audio is streamed to, for operators who plug one in (issue 18 §4).
 * Transcripts otherwise stay bot-posted. One {@link Stream} per call: audio goes up as it comes,
 * results come back as the recogniser makes them, interim ones marked as not final.
 */
public interface TranscriptionProvider {

    /** The audio a stream carries: 16-bit little-endian PCM, interleaved when there are several channels. */
    record Format(int sampleRate, int channels, String language) {
        public Format {
            if (sampleRate <= 0 || channels < 1 || channels > 2) {
                throw new IllegalArgumentException("sample rate must be positive and channels 1 or 2, got "
                        + sampleRate + " Hz, " + channels + " channels");
            }
        }
    }

    /** One recognised stretch of speech on {@code channel}, {@code start} seconds into the stream. */
    record Result(int channel, String text, double start, double duration, double confidence, boolean isFinal) { }

    /** One call's audio on its way to the recogniser. */
    interface Stream {
        /** Sends the next audio; completes when the recogniser has taken it (back-pressure). */
        CompletableFuture<Void> audio(ByteBuffer pcm);

        /** No more audio: completes once the recogniser has sent its last result and closed. */
        CompletableFuture<Void> finish();

        /** Drops the stream at once, without waiting for results. */
        void abort();
    }

    /** Opens a stream; {@code results} is called on the provider's thread, in the order results arrive. */
    CompletableFuture<Stream> open(Format format, Consumer<Result> results);
}
