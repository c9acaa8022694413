package dev.patchbay.media.playout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WAV parsing as real files are written: extra chunks, odd-sized padding, a truncated tail. */
class WavClipTest {

    private static byte[] chunk(String id, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes()).putInt(body.length).put(body);
        return b.array();
    }

    private static byte[] fmt(int tag, int channels, int rate, int bits) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) tag).putShort((short) channels)
                .putInt(rate).putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits).array();
    }

    private static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WAVE".getBytes());
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        ByteBuffer b = ByteBuffer.allocate(8 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(body.size()).put(body.toByteArray());
        return b.array();
    }

    private static byte[] pcm(short... samples) {
        ByteBuffer b = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }

    @Test
    void otherChunksAndOddPaddingAreSkipped() throws Exception {
        byte[] wav = riff(chunk("LIST", new byte[5]), chunk("fmt ", fmt(1, 1, 8000, 16)), chunk("fact", new byte[4]),
                chunk("data", pcm((short) 1, (short) -2, (short) 300)));
        WavClip clip = WavClip.parse(wav);
        assertArrayEquals(new short[] {1, -2, 300}, clip.samples());
        assertEquals(1, clip.frames(), "a partial frame plays, padded with silence");
    }

    @Test
    void aTruncatedDataChunkPlaysWhatIsThere() throws Exception {
        byte[] full = riff(chunk("fmt ", fmt(1, 1, 8000, 16)), chunk("data", pcm(new short[400])));
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 101);
        assertEquals(349, WavClip.parse(cut).samples().length, "the half sample at the end is dropped");
    }

    @Test
    void wrongFormatsNameWhatIsWrong() {
        assertTrue(assertThrows(WavClip.Invalid.class, () -> WavClip.parse(riff(chunk("fmt ", fmt(3, 1, 8000, 32)),
                chunk("data", new byte[8])))).getMessage().contains("format tag is 3, not 1 (PCM)"));
        assertTrue(assertThrows(WavClip.Invalid.class, () -> WavClip.parse(riff(chunk("data", new byte[8]),
                chunk("fmt ", fmt(1, 1, 8000, 16))))).getMessage().contains("data chunk before the fmt chunk"));
        assertTrue(assertThrows(WavClip.Invalid.class, () -> WavClip.parse(riff(chunk("fmt ", fmt(1, 1, 8000, 16)))))
                .getMessage().contains("no data chunk"));
        assertTrue(assertThrows(WavClip.Invalid.class, () -> WavClip.parse(new byte[3])).getMessage()
                .contains("Play takes RIFF/WAVE PCM 16-bit mono at 8000 or 16000 Hz"), "the remedy is always named");
    }
}
