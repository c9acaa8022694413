package dev.patchbay.control.wss;

/**
 * Chunk numbers and stream-relative milliseconds for caller frames. Time comes from the media-plane's
 * frame sequence (one per 20 ms), so frames dropped for a slow bot leave a gap in timestamps, as they should.
 */
final class MediaClock {

    private long firstSequence = -1;
    private long chunk;
    private long lastMillis;

    /** Advances to the frame with this sequence; returns its milliseconds since the stream's first frame. */
    long frame(long sequence) {
        if (firstSequence < 0) {
            firstSequence = sequence;
        }
        chunk++;
        lastMillis = Math.max(0, sequence - firstSequence) * 20;
        return lastMillis;
    }

    /** The chunk number of the last frame, counting from 1. */
    long chunk() {
        return chunk;
    }

    /** Milliseconds of the last frame, for events between frames such as digits. */
    long lastMillis() {
        return lastMillis;
    }
}
