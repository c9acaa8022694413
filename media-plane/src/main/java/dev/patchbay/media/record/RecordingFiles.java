package dev.patchbay.media.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The finished recordings of this node, for the control-plane to stream out and delete. A recording
 * is named by its call id only, so no client can make the node read or delete another path.
 */
public final class RecordingFiles {

    public static final int CHUNK = 64 * 1024;
    private static final Pattern CALL_ID = Pattern.compile("CA[0-9a-f]{32}");

    /** Why a read or delete could not be done. */
    public sealed interface Refusal permits Invalid, Missing, Unfinished { }

    public record Invalid(String message) implements Refusal { }

    public record Missing(String message) implements Refusal { }

    public record Unfinished(String message) implements Refusal { }

    /** A chunk handed out by {@link #read}: {@code size} is the file's, set on the first chunk only (else -1). */
    public record Chunk(long size, ByteBuffer data) { }

    private final Path dir;
    private final RecordingWriter writer;

    public RecordingFiles(Path dir, RecordingWriter writer) {
        this.dir = dir;
        this.writer = writer;
    }

    /** The file for {@code callId}, or a refusal when the id is malformed. */
    private Path path(String callId) {
        return dir.resolve(callId + ".wav");
    }

    /** Why {@code callId}'s recording cannot be read, or null when it can. */
    public Refusal check(String callId) {
        if (!CALL_ID.matcher(callId).matches()) {
            return new Invalid("call_id must be CA followed by 32 lower-case hex digits, got '" + callId + "'");
        }
        Path p = path(callId);
        if (writer.writing(p)) {
            return new Unfinished("the recording of " + callId + " is still being finished; retry in a second");
        }
        if (!Files.isRegularFile(p)) {
            return new Missing("this node holds no recording of " + callId);
        }
        return null;
    }

    /**
     * Sends {@code length} bytes (0 = to the end) from {@code offset} in chunks of at most {@link #CHUNK};
     * call {@link #check} first.
     */
    public void read(String callId, long offset, long length, Consumer<Chunk> out) throws IOException {
        try (FileChannel file = FileChannel.open(path(callId), StandardOpenOption.READ)) {
            long size = file.size();
            // uint64 on the wire: a "negative" offset or length is one past any file.
            long at = offset < 0 ? size : Math.min(offset, size);
            long end = length <= 0 || length >= size - at ? size : at + length;
            boolean first = true;
            do {
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, end - at));
                while (buf.hasRemaining()) {
                    if (file.read(buf, at + buf.position()) < 0) {
                        throw new IOException("recording of " + callId + " shrank while being read");
                    }
                }
                at += buf.flip().remaining();
                out.accept(new Chunk(first ? size : -1, buf));
                first = false;
            } while (at < end);
        }
    }

    /** Deletes {@code callId}'s recording; true if there was one. */
    public boolean delete(String callId) throws IOException {
        if (!CALL_ID.matcher(callId).matches()) {
            throw new IllegalArgumentException("call_id must be CA followed by 32 lower-case hex digits, got '" + callId + "'");
        }
        try {
            Files.delete(path(callId));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
