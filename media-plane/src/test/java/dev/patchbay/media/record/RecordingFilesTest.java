package dev.patchbay.media.record;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordingFilesTest {

    private static final String CALL = "CA" + "0123456789abcdef".repeat(2);

    @TempDir
    Path dir;

    @Test
    void readsAnyWindowInChunksWithTheSizeFirst() throws Exception {
        byte[] file = new byte[3 * RecordingFiles.CHUNK + 17];
        new Random(7).nextBytes(file);
        Files.write(dir.resolve(CALL + ".wav"), file);
        RecordingFiles files = new RecordingFiles(dir, new RecordingWriter());
        assertNull(files.check(CALL));

        List<RecordingFiles.Chunk> chunks = new ArrayList<>();
        files.read(CALL, 0, 0, chunks::add);
        assertEquals(4, chunks.size());
        assertEquals(file.length, chunks.get(0).size());
        assertTrue(chunks.stream().skip(1).allMatch(c -> c.size() == -1), "the size only in the first chunk");
        assertArrayEquals(file, join(chunks));

        chunks.clear();
        files.read(CALL, 100, RecordingFiles.CHUNK + 5, chunks::add);
        assertArrayEquals(Arrays.copyOfRange(file, 100, 100 + RecordingFiles.CHUNK + 5), join(chunks));
        chunks.clear();
        files.read(CALL, file.length, 10, chunks::add);
        assertEquals(0, join(chunks).length, "past the end: the size, no bytes");
        assertEquals(file.length, chunks.get(0).size());
    }

    @Test
    void namesOnlyCallsAndRefusesWhatItCannotServe() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        RecordingFiles files = new RecordingFiles(dir, writer);
        assertInstanceOf(RecordingFiles.Invalid.class, files.check("../../etc/passwd"));
        assertInstanceOf(RecordingFiles.Invalid.class, files.check("CA" + "0".repeat(31) + "/"));
        assertInstanceOf(RecordingFiles.Missing.class, files.check(CALL));
        assertThrows(IllegalArgumentException.class, () -> files.delete("x/../" + CALL));

        // A recording the writer still holds: its header is not final yet.
        CallRecorder open = new CallRecorder(dir.resolve(CALL + ".wav"), true);
        writer.add(open);
        Files.write(dir.resolve(CALL + ".wav"), new byte[44]);
        assertInstanceOf(RecordingFiles.Unfinished.class, files.check(CALL));
    }

    @Test
    void deleteIsSafeToRepeat() throws Exception {
        Files.write(dir.resolve(CALL + ".wav"), new byte[44]);
        RecordingFiles files = new RecordingFiles(dir, new RecordingWriter());
        assertTrue(files.delete(CALL));
        assertFalse(Files.exists(dir.resolve(CALL + ".wav")));
        assertFalse(files.delete(CALL));
    }

    private static byte[] join(List<RecordingFiles.Chunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(c -> out.write(c.data().array(), c.data().position(), c.data().remaining()));
        return out.toByteArray();
    }
}
