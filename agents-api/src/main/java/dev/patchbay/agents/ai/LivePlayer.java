package dev.patchbay.agents.ai;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;

/**
 * Plays synthesized speech into a live call (voice-synthesis with call_id). The media-plane's Play
 * RPC does it; until it is wired, {@link #NONE} answers 501 before anything is rendered.
 */
public interface LivePlayer {

    LivePlayer NONE = new LivePlayer() {
        @Override
        public boolean available() {
            return false;
        }

        @Override
        public long play(String callId, byte[] wav) {
            throw unavailable();
        }
    };

    /** False when this replica cannot play into calls at all. */
    boolean available();

    /** Plays a 16-bit mono PCM WAV into the call; the played duration in milliseconds. */
    long play(String callId, byte[] wav);

    static ProblemException unavailable() {
        return ProblemException.of(501, "playing into a live call needs the media-plane Play RPC, which this"
                + " control-plane does not have yet; leave out call_id to get an audio_url",
                new FieldError("call_id", "playing into a live call is not available yet"));
    }
}
