package dev.patchbay.agents.transcripts.asr;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.patchbay.agents.transcripts.Segment;
import dev.patchbay.agents.transcripts.TranscriptStore;
import dev.patchbay.agents.transcripts.TranscriptsApi;
import dev.patchbay.control.call.CallObserver;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.proto.media.v1.RtpStats;

/**
 * When a recorded agents' call whose transcription was enabled ends, streams its recording to the
 * configured recogniser and stores the final results as the call's transcript, where bot-posted
 * segments go (stream and {@code transcription.updated} included).
 */
public final class AsrTranscripts implements CallObserver {

    private static final Logger LOG = Logger.getLogger(AsrTranscripts.class.getName());
    /** The node finishes a file's header within ~100 ms of the hang-up; a few short waits cover it. */
    private static final int ATTEMPTS = 10;
    private static final Duration PAUSE = Duration.ofMillis(300);

    /** A recorded call's WAV. */
    @FunctionalInterface
    public interface RecordingSource {
        InputStream open(CallRecord call) throws IOException;

        /** Whether waiting may make {@code e} go away (the file is still being finished). */
        default boolean retryable(IOException e) {
            return false;
        }
    }

    private final RecordingTranscriber transcriber;
    private final RecordingSource recordings;
    private final TranscriptStore store;
    private final TranscriptsApi transcripts;
    private final Executor workers;

    public AsrTranscripts(RecordingTranscriber transcriber, RecordingSource recordings, TranscriptStore store,
                          TranscriptsApi transcripts, Executor workers) {
        this.transcriber = transcriber;
        this.recordings = recordings;
        this.store = store;
        this.transcripts = transcripts;
        this.workers = workers;
    }

    @Override
    public void ended(CallRecord call, RtpStats stats) {
        if (call.recordingUrl() == null) {
            return;
        }
        store.transcription(call.id()).ifPresent(t -> store.link(call.id()).ifPresent(link ->
                workers.execute(() -> transcribe(call, link.sessionId(), t.language()))));
    }

    /** Runs on a worker: the whole recording, then its segments in one go. */
    void transcribe(CallRecord call, String sessionId, String language) {
        for (int attempt = 1; ; attempt++) {
            try (InputStream wav = recordings.open(call)) {
                List<Segment> segments = transcriber.transcribe(wav, language);
                if (!segments.isEmpty()) {
                    transcripts.accept(call.id(), sessionId, segments);
                }
                return;
            } catch (IOException e) {
                if (attempt >= ATTEMPTS || !recordings.retryable(e)) {
                    LOG.log(Level.WARNING, "call " + call.id() + ": transcribing its recording failed: " + e.getMessage());
                    return;
                }
            }
            try {
                Thread.sleep(PAUSE); // a worker thread, waiting for the node to finish the file
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
