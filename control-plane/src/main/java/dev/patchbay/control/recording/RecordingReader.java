package dev.patchbay.control.recording;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.ReadRecordingRequest;
import dev.patchbay.proto.media.v1.RecordingChunk;
import io.grpc.Channel;

/**
 * Reads a recording from the media node that holds it, in windows of {@link #WINDOW} bytes, one
 * ReadRecording call each: the node never queues more than a window for a slow HTTP client, and the
 * client's pace is the pace of the reads.
 */
final class RecordingReader {

    static final int WINDOW = 1024 * 1024;

    private final Channel channel;
    private final String callId;

    RecordingReader(Channel channel, String callId) {
        this.channel = channel;
        this.callId = callId;
    }

    /** The file's size; throws the node's status (NOT_FOUND, UNAVAILABLE) as a StatusRuntimeException. */
    long size() {
        Iterator<RecordingChunk> chunks = read(0, 1);
        long size = chunks.next().getSize();
        chunks.forEachRemaining(c -> { });
        return size;
    }

    /** Copies bytes [from, to) to {@code out}. */
    void copy(long from, long to, OutputStream out) throws IOException {
        long at = from;
        while (at < to) {
            long before = at;
            Iterator<RecordingChunk> chunks = read(at, Math.min(WINDOW, to - at));
            while (chunks.hasNext()) {
                RecordingChunk chunk = chunks.next();
                chunk.getData().writeTo(out);
                at += chunk.getData().size();
            }
            if (at == before) {
                throw new IOException("the media node sent no bytes of " + callId + " from offset " + at);
            }
        }
    }

    private Iterator<RecordingChunk> read(long offset, long length) {
        return MediaPlaneGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .readRecording(ReadRecordingRequest.newBuilder().setCallId(callId).setOffset(offset).setLength(length).build());
    }
}
