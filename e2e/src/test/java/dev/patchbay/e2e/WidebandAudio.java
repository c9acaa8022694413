package dev.patchbay.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * G.722 audio for the wideband echo test, made and heard by FFmpeg, an implementation independent
 * of Patchbay's: a two-tone source with half its power at 6 kHz, the RTP that carries it, the
 * echo's payloads decoded back to 16 kHz, and the power of one frequency in them.
 */
final class WidebandAudio {

    static final int LOW_HZ = 1000;
    static final int HIGH_HZ = 6000;
    /** G.722 at 64 kbit/s: 160 bytes per 20 ms, and (RFC 3551) 160 RTP ticks. */
    static final int PACKET_BYTES = 160;

    private WidebandAudio() {
    }

    /** {@code seconds} of the two tones, at equal amplitude, encoded by FFmpeg's g722 encoder. */
    static byte[] twoTonesG722(Path dir, int seconds) throws IOException, InterruptedException {
        Path out = dir.resolve("two-tones.g722");
        ffmpeg(List.of("-f", "lavfi", "-i", "aevalsrc=0.35*sin(2*PI*" + LOW_HZ + "*t)+0.35*sin(2*PI*" + HIGH_HZ
                + "*t):s=16000:d=" + seconds, "-c:a", "g722", "-f", "g722", out.toString()));
        return Files.readAllBytes(out);
    }

    /** The RTP packet of G.722 frame {@code n} of {@code g722}. */
    static byte[] packet(byte[] g722, int n, int ssrc) {
        byte[] p = new byte[12 + PACKET_BYTES];
        int seq = n & 0xFFFF;
        long ts = (long) n * PACKET_BYTES;
        p[0] = (byte) 0x80;
        p[1] = 9;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            p[4 + i] = (byte) (ts >> (24 - 8 * i));
            p[8 + i] = (byte) (ssrc >> (24 - 8 * i));
        }
        System.arraycopy(g722, n * PACKET_BYTES, p, 12, PACKET_BYTES);
        return p;
    }

    /** The payloads of the next {@code packets} G.722 packets (payload type 9) that arrive, joined. */
    static byte[] receive(DatagramSocket rtp, int packets, int timeoutMs) throws IOException {
        byte[] out = new byte[packets * PACKET_BYTES];
        byte[] buf = new byte[2048];
        rtp.setSoTimeout(timeoutMs);
        for (int got = 0; got < packets; ) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                rtp.receive(p);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("only " + got + " of " + packets + " G.722 packets came back", e);
            }
            if ((buf[1] & 0x7F) == 9) {
                if (p.getLength() != 12 + PACKET_BYTES) {
                    throw new AssertionError("a G.722 packet of " + p.getLength() + " bytes; 20 ms is 172");
                }
                System.arraycopy(buf, 12, out, got++ * PACKET_BYTES, PACKET_BYTES);
            }
        }
        return out;
    }

    /** {@code g722} decoded to 16 kHz samples by FFmpeg's g722 decoder. */
    static short[] decode(Path dir, byte[] g722) throws IOException, InterruptedException {
        Path in = dir.resolve("heard.g722");
        Path out = dir.resolve("heard.s16le");
        Files.write(in, g722);
        ffmpeg(List.of("-f", "g722", "-i", in.toString(), "-f", "s16le", "-c:a", "pcm_s16le", out.toString()));
        byte[] b = Files.readAllBytes(out);
        short[] s = new short[b.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
        }
        return s;
    }

    /** Mean power of {@code hz} in {@code pcm} at 16 kHz (Goertzel over the whole signal). */
    static double power(short[] pcm, int hz) {
        double c = 2 * Math.cos(2 * Math.PI * hz / 16000.0);
        double s1 = 0;
        double s2 = 0;
        for (short x : pcm) {
            double s0 = x + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return (s1 * s1 + s2 * s2 - c * s1 * s2) / ((double) pcm.length * pcm.length);
    }

    private static void ffmpeg(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffmpeg failed (install it with scripts/setup.sh): " + command + "\n" + output);
        }
    }
}
