package dev.patchbay.media.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import dev.patchbay.media.playout.PlayoutQueue;

/** One direction of a bridge: PCM in, the other leg's G.711 out, byte-exact, with no allocation per frame. */
class FrameForwarderTest {

    /** A ramp over the whole 16-bit range, both extremes included. */
    private static short[] frame() {
        short[] pcm = new short[FrameForwarder.SAMPLES];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.max(-32768, Math.min(32767, -32768 + i * 412));
        }
        return pcm;
    }

    /** What SoX 14.4.2 makes of the ramp: the golden tables of G711GoldenTest, one code per 16-bit input. */
    private static byte[] expected(String table) throws IOException {
        byte[] all;
        try (InputStream in = FrameForwarderTest.class.getResourceAsStream("/golden/g711/" + table)) {
            all = in.readAllBytes();
        }
        short[] pcm = frame();
        byte[] b = new byte[pcm.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = all[pcm[i] + 32768];
        }
        return b;
    }

    @Test
    void encodesInTheOtherLegsLawAndFollowsAChangeOfLaw() throws IOException {
        PlayoutQueue queue = new PlayoutQueue(8, FrameForwarder.SAMPLES, 4);
        boolean[] ulaw = {true};
        FrameForwarder forwarder = new FrameForwarder(queue, () -> ulaw[0]);
        short[] pcm = frame();

        forwarder.frame(pcm);
        ulaw[0] = false; // a re-INVITE moved the other leg to PCMA
        forwarder.frame(pcm);

        byte[] out = new byte[FrameForwarder.SAMPLES];
        assertTrue(queue.poll(out, 0));
        assertArrayEquals(expected("all-s16le-to-ulaw.ul"), out);
        assertTrue(queue.poll(out, 0));
        assertArrayEquals(expected("all-s16le-to-alaw.al"), out);
        assertFalse(queue.poll(out, 0));
        assertEquals(2, forwarder.forwarded());
    }

    @Test
    void allocatesNothingPerFrame() throws IOException {
        PlayoutQueue queue = new PlayoutQueue(50, FrameForwarder.SAMPLES, 4);
        FrameForwarder forwarder = new FrameForwarder(queue, () -> false);
        short[] pcm = frame();
        byte[] out = new byte[FrameForwarder.SAMPLES];
        for (int i = 0; i < 20_000; i++) { // warm up: let the JIT compile both paths
            forwarder.frame(pcm);
            queue.poll(out, 0);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50_000; i++) { // 1000 s of audio, one direction
            forwarder.frame(pcm);
            queue.poll(out, 0);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "forwarding 50,000 frames allocated " + allocated + " bytes; expected none per frame");
        assertArrayEquals(expected("all-s16le-to-alaw.al"), out);
        assertEquals(70_000, forwarder.forwarded());
    }
}
