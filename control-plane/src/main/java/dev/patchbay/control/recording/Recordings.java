package dev.patchbay.control.recording;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.model.CallRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Recorded calls for other features (the agents' ASR): their signed URLs, and their bytes from the media node. */
public final class Recordings {

    /** Why a recording cannot be read now; {@code retry} when waiting may help (the node is finishing it). */
    public static final class Unavailable extends IOException {
        private final boolean retry;

        Unavailable(String message, boolean retry) {
            super(message);
            this.retry = retry;
        }

        public boolean retry() {
            return retry;
        }
    }

    private final RecordingLinks links;
    private final MediaNodes nodes;

    public Recordings(RecordingLinks links, MediaNodes nodes) {
        this.links = links;
        this.nodes = nodes;
    }

    public RecordingLinks links() {
        return links;
    }

    /** The call's WAV, read from its node a window at a time as the stream is read. */
    public InputStream open(CallRecord call) throws IOException {
        if (call.recordingUrl() == null) {
            throw new Unavailable("call " + call.id() + " has no recording", false);
        }
        Optional<MediaNodeLink> link = nodes.byNode(call.mediaNode()).filter(MediaNodeLink::connected);
        if (link.isEmpty()) {
            throw new Unavailable("the media node " + call.mediaNode() + " holding " + call.id() + "'s recording is not connected", true);
        }
        RecordingReader reader = new RecordingReader(link.get().channel(), call.id());
        long size;
        try {
            size = reader.size();
        } catch (StatusRuntimeException e) {
            throw new Unavailable("the recording of " + call.id() + " cannot be read: " + e.getStatus(),
                    e.getStatus().getCode() == Status.Code.UNAVAILABLE);
        }
        return new InputStream() {
            private byte[] window = new byte[0];
            private int at;
            private long next;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (at == window.length) {
                    if (next >= size) {
                        return -1;
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try {
                        reader.copy(next, Math.min(size, next + RecordingReader.WINDOW), out);
                    } catch (StatusRuntimeException e) {
                        throw new IOException("reading the recording of " + call.id() + " failed: " + e.getStatus(), e);
                    }
                    window = out.toByteArray();
                    next += window.length;
                    at = 0;
                }
                int n = Math.min(len, window.length - at);
                System.arraycopy(window, at, b, off, n);
                at += n;
                return n;
            }
        };
    }
}
