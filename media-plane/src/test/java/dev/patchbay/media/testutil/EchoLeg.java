package dev.patchbay.media.testutil;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.google.protobuf.ByteString;

import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;

/**
 * Both ends of an echo call, timed: a caller that sends PCMU at a chosen ptime (and drains what
 * comes back; a {@link LoopbackCapture} records that with kernel timestamps), and a bot that echoes
 * each 20 ms frame at a chosen pace. The caller's audio is distinct per frame and never silence, so
 * the echo can be checked byte for byte and each echoed frame traced back to when the caller and
 * the bot sent it. Times are microseconds of the wall clock, the capture's clock.
 */
public final class EchoLeg {

    /** How the bot sends its echo back. */
    public enum Pace {
        /** Five frames at once every 100 ms: faster than real time while a burst lasts. */
        BURSTS,
        /** Each frame at its real-time slot plus a uniform ±15 ms. */
        JITTER,
        /** One frame every 22.2 ms: 10 % slower than real time. */
        SLOW
    }

    private static final int FRAME_BYTES = 160;
    private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final DatagramSocket rtp;
    private final int rtpPort;
    private final int ptimeMs;
    private final Pace pace;
    private final byte[] audio;
    private final long[] callerSent;
    private final long[] botSent;
    private final SplittableRandom random;
    private volatile InetSocketAddress patchbay;
    private volatile boolean stopped;
    private volatile boolean callerDone;
    private volatile long callerLateMicros;
    private volatile long botLateMicros;
    private final List<Thread> threads = new ArrayList<>();
    private final List<ByteString> pending = new ArrayList<>(); // the bot thread's frames not yet echoed

    public EchoLeg(int ptimeMs, Pace pace, int seconds, long seed) throws SocketException {
        this.rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.rtpPort = rtp.getLocalPort();
        this.ptimeMs = ptimeMs;
        this.pace = pace;
        int frames = seconds * 50;
        this.random = new SplittableRandom(seed);
        this.audio = new byte[frames * FRAME_BYTES];
        for (int i = 0; i < audio.length; i++) {
            int code = random.nextInt(254); // every μ-law code but 0x7F and 0xFF, which both decode to 0
            audio[i] = (byte) (code < 0x7F ? code : code + 1);
        }
        this.callerSent = new long[frames];
        this.botSent = new long[frames];
    }

    public int rtpPort() {
        return rtpPort;
    }

    public Pace pace() {
        return pace;
    }

    public int ptimeMs() {
        return ptimeMs;
    }

    /** Starts the caller's sending and receiving towards Patchbay's RTP port, and the bot's echo. */
    public void start(int patchbayRtpPort, TestControl.Bot bot) {
        patchbay = new InetSocketAddress("127.0.0.1", patchbayRtpPort);
        threads.add(Thread.ofPlatform().name("caller-send-" + ptimeMs + "-" + pace).start(this::send));
        threads.add(Thread.ofPlatform().name("caller-recv-" + ptimeMs + "-" + pace).start(this::receive));
        threads.add(Thread.ofPlatform().name("bot-" + ptimeMs + "-" + pace).start(() -> echo(bot)));
    }

    private void send() {
        int bytesPerPacket = 8 * ptimeMs;
        long start = System.nanoTime();
        int packets = audio.length / bytesPerPacket;
        for (int i = 0; i < packets && !stopped; i++) {
            long due = start + i * TimeUnit.MILLISECONDS.toNanos(ptimeMs);
            parkUntil(due);
            callerLateMicros = Math.max(callerLateMicros, (System.nanoTime() - due) / 1000);
            byte[] packet = RtpPackets.pcmu(i, 0x1000 + ptimeMs, audio, i * bytesPerPacket, bytesPerPacket);
            // RtpPackets numbers timestamps for 20 ms packets; this caller's advance by its own ptime.
            long ts = (long) i * bytesPerPacket;
            packet[4] = (byte) (ts >> 24);
            packet[5] = (byte) (ts >> 16);
            packet[6] = (byte) (ts >> 8);
            packet[7] = (byte) ts;
            long now = micros();
            try {
                rtp.send(new DatagramPacket(packet, packet.length, patchbay));
            } catch (IOException e) {
                break;
            }
            // Every 20 ms frame this packet completes was sent now.
            int endByte = (i + 1) * bytesPerPacket;
            for (int f = i * bytesPerPacket / FRAME_BYTES; f < endByte / FRAME_BYTES; f++) {
                if (callerSent[f] == 0) {
                    callerSent[f] = now;
                }
            }
        }
        callerDone = true;
    }

    /** The caller has sent all its audio. */
    public boolean callerDone() {
        return callerDone;
    }

    /** A payload of μ-law silence: what Patchbay sends when the bot has nothing. */
    public static boolean silent(byte[] payload) {
        for (byte b : payload) {
            if (b != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    private void receive() {
        byte[] buf = new byte[2048];
        try {
            rtp.setSoTimeout(200);
        } catch (SocketException e) {
            return;
        }
        while (!stopped) {
            try {
                rtp.receive(new DatagramPacket(buf, buf.length));
            } catch (java.net.SocketTimeoutException e) {
                // check for the stop
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(TestControl.Bot bot) {
        long base = 0;
        int k = 0;
        while (!stopped && k < botSent.length) {
            CallerToBot m;
            try {
                m = bot.received.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (m == null || m.getMessageCase() != CallerToBot.MessageCase.AUDIO) {
                continue;
            }
            if (k == 0) {
                base = System.nanoTime();
            }
            long due = switch (pace) {
                case BURSTS -> base + (k / 5 * 5 + 4) * FRAME_NANOS; // held until the burst's fifth frame is here
                case JITTER -> base + k * FRAME_NANOS + TimeUnit.MICROSECONDS.toNanos(random.nextLong(-15_000, 15_001));
                case SLOW -> base + k * FRAME_NANOS * 111 / 100;
            };
            pending.add(m.getAudio().getPayload());
            if (pace == Pace.BURSTS && pending.size() < 5) {
                k++;
                continue;
            }
            parkUntil(due);
            botLateMicros = Math.max(botLateMicros, (System.nanoTime() - due) / 1000);
            long now = micros();
            int first = k - pending.size() + 1;
            for (int i = 0; i < pending.size(); i++) {
                botSent[first + i] = now;
                bot.send.onNext(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(pending.get(i))).build());
            }
            pending.clear();
            k++;
        }
    }

    public void stop() throws InterruptedException {
        stopped = true;
        for (Thread t : threads) {
            t.join(2000);
        }
        rtp.close();
    }


    /**
     * Where {@code payload} occurs in the caller's audio starting in bytes [from, to), or -1. The
     * audio is random, so 160 bytes of it occur once.
     */
    public int find(byte[] payload, int from, int to) {
        int last = Math.min(audio.length - payload.length, to - 1);
        for (int at = Math.max(0, from); at <= last; at++) {
            if (Arrays.mismatch(audio, at, at + payload.length, payload, 0, payload.length) < 0) {
                return at;
            }
        }
        return -1;
    }

    public int frames() {
        return callerSent.length;
    }

    /**
     * The most any packet of the caller left after its time, in µs: a starved test thread, which the
     * jitter buffer rightly answers with more delay.
     */
    public long callerLateMicros() {
        return callerLateMicros;
    }

    /**
     * The most any echo left after the bot's schedule, in µs: the bot's own lateness (its thread, or
     * the caller audio reaching it late), which Patchbay's playout delay rightly follows.
     */
    public long botLateMicros() {
        return botLateMicros;
    }

    /** When the caller sent the packet that completed frame {@code k}, or 0. */
    public long callerSent(int k) {
        return callerSent[k];
    }

    /** When the bot sent its echo of frame {@code k}, or 0. */
    public long botSent(int k) {
        return botSent[k];
    }

    /** Microseconds since the epoch, as the kernel stamps captured packets. */
    public static long micros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static void parkUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
