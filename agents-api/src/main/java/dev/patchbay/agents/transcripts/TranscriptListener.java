package dev.patchbay.agents.transcripts;

/**
 * Told about every stored segment, after it is committed and streamed, e.g. to send the
 * {@code transcription.updated} webhook. Runs on the poster's request thread: hand slow work off.
 */
@FunctionalInterface
public interface TranscriptListener {

    TranscriptListener NONE = (callId, sessionId, segment) -> { };

    void segmentAdded(String callId, String sessionId, Segment segment);
}
