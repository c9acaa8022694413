package dev.patchbay.media.testutil;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;

/** Reads the audio Patchbay plays to a caller: 20 ms PCMU packets, skipping the silence between. */
public final class VoicedRtp {

    /** The voiced payloads joined, and when the first and last of them arrived. */
    public record Heard(byte[] payload, long firstNanos, long lastNanos) {
    }

    private VoicedRtp() {
    }

    public static Heard receive(DatagramSocket rtp, int frames, int timeoutMs) throws IOException {
        byte[] out = new byte[frames * 160];
        long first = 0;
        long last = 0;
        int got = 0;
        rtp.setSoTimeout(timeoutMs);
        byte[] buf = new byte[2048];
        while (got < frames) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                rtp.receive(p);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("only " + got + " of " + frames + " voiced frames arrived", e);
            }
            if (p.getLength() != 172 || (buf[1] & 0x7F) != 0) {
                throw new AssertionError("expected 20 ms PCMU packets, got " + p.getLength() + " bytes of payload type " + (buf[1] & 0x7F));
            }
            boolean silent = true;
            for (int i = 12; i < 172; i++) {
                silent &= buf[i] == (byte) 0xFF;
            }
            if (!silent) {
                last = System.nanoTime();
                first = got == 0 ? last : first;
                System.arraycopy(buf, 12, out, got * 160, 160);
                got++;
            }
        }
        return new Heard(out, first, last);
    }
}
