package dev.patchbay.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.patchbay.media.testutil.Ffmpeg;

/**
 * G.722 (and Opus, with {@code OggOpus}) audio for the wideband echo tests, made and heard by FFmpeg, an implementation independent
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
        Ffmpeg.run(List.of("-f", "lavfi", "-i", "aevalsrc=0.35*sin(2*PI*" + LOW_HZ + "*t)+0.35*sin(2*PI*" + HIGH_HZ
                + "*t):s=16000:d=" + seconds, "-c:a", "g722", "-f", "g722", out.toString()));
        return Files.readAllBytes(out);
    }

    /** The RTP packet of G.722 frame {@code n} of {@code g722}. */
    static byte[] packet(byte[] g722, int n, int ssrc) {
        byte[] p = new byte[12 + PACKET_BYTES];
        header(p, 9, n, (long) n * PACKET_BYTES, ssrc);
        System.arraycopy(g722, n * PACKET_BYTES, p, 12, PACKET_BYTES);
        return p;
    }

    private static void header(byte[] p, int payloadType, int n, long ts, int ssrc) {
        int seq = n & 0xFFFF;
        p[0] = (byte) 0x80;
        p[1] = (byte) payloadType;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            p[4 + i] = (byte) (ts >> (24 - 8 * i));
            p[8 + i] = (byte) (ssrc >> (24 - 8 * i));
        }
    }

    /** Sends {@code packets} to {@code target}, one every 20 ms, as a caller does; shut the pacer down when done. */
    static ScheduledExecutorService pace(DatagramSocket rtp, InetSocketAddress target, List<byte[]> packets) {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger next = new AtomicInteger();
        pacer.scheduleAtFixedRate(() -> {
            int p = next.getAndIncrement();
            if (p < packets.size()) {
                try {
                    rtp.send(new DatagramPacket(packets.get(p), packets.get(p).length, target));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        return pacer;
    }

    /** The RTP packet of Opus packet {@code n}: payload type 111, 960 ticks of the 48 kHz clock per 20 ms (RFC 7587). */
    static byte[] opusPacket(byte[] opus, int n, int ssrc) {
        byte[] p = new byte[12 + opus.length];
        header(p, 111, n, (long) n * 960, ssrc);
        System.arraycopy(opus, 0, p, 12, opus.length);
        return p;
    }

    /** The payloads of the next {@code packets} Opus packets (payload type 111) that arrive. */
    static List<byte[]> receiveOpus(DatagramSocket rtp, int packets, int timeoutMs) throws IOException {
        List<byte[]> out = new ArrayList<>();
        byte[] buf = new byte[2048];
        rtp.setSoTimeout(timeoutMs);
        while (out.size() < packets) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                rtp.receive(p);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("only " + out.size() + " of " + packets + " Opus packets came back", e);
            }
            if ((buf[1] & 0x7F) == 111) {
                out.add(Arrays.copyOfRange(buf, 12, p.getLength()));
            }
        }
        return out;
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
        Ffmpeg.run(List.of("-f", "g722", "-i", in.toString(), "-f", "s16le", "-c:a", "pcm_s16le", out.toString()));
        byte[] b = Files.readAllBytes(out);
        short[] s = new short[b.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
        }
        return s;
    }

    /**
     * Sends the G.722 two-tone {@code source} to {@code target} at 20 ms a packet and asserts both tones come back
     * on {@code rtp}: everything sent returns within the call, after the bot's round trip.
     */
    static void assertTwoTonesEchoed(DatagramSocket rtp, InetSocketAddress target, byte[] source, Path dir)
            throws IOException, InterruptedException {
        int frames = source.length / PACKET_BYTES;
        List<byte[]> packets = IntStream.range(0, frames).mapToObj(p -> packet(source, p, 0x722)).toList();
        ScheduledExecutorService pacer = pace(rtp, target, packets);
        byte[] heard;
        try {
            heard = receive(rtp, frames + 25, 3000);
        } finally {
            pacer.shutdownNow();
        }
        assertBothTonesCameBack(decode(dir, heard));
    }

    /** Asserts the 1 kHz tone came back and the 6 kHz one within 6 dB of it, which no 8 kHz stage would leave. */
    static void assertBothTonesCameBack(short[] pcm) {
        double low = power(pcm, LOW_HZ);
        double high = power(pcm, HIGH_HZ);
        if (!(low > 1e5)) {
            throw new AssertionError("the 1 kHz tone did not come back (power " + low + ")");
        }
        if (!(high > low / 4)) {
            throw new AssertionError("the 6 kHz tone did not come back within 6 dB of the 1 kHz one: " + high + " against "
                    + low + "; an 8 kHz step would leave nothing above 4 kHz");
        }
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
}
