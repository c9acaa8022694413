package dev.patchbay.media.testutil;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds ports for servers that cannot bind port 0 themselves (jain-sip needs a fixed SIP port).
 *
 * <p>Probing a port and closing it leaves a gap before the server binds it. A port the kernel picks
 * (bind to 0) comes from its ephemeral range, which every outgoing connection (gRPC, JDBC, SIPp, a
 * TLS client) also draws from, and the tests' RTP blocks ({@link #rtpBase}, 20000-60000) overlap it too;
 * two probes in a row may even return the same port. So fixed ports come from a {@link Range window}
 * that neither the ephemeral range nor the RTP blocks reach, and each is handed out once per JVM: a
 * port can then be lost in the gap only to another process that binds fixed ports in the same window.
 * Each JVM starts at a random place in the window, so two test runs at once seldom walk the same ports.
 *
 * <p>RTP blocks ({@link #rtpBase}) stay in 20000-60000, where media-plane pools and SIPp bind them: they are
 * handed out the same way, without overlap inside a JVM, and a block with a port already bound (another
 * test run, a benchmark's media-plane) is passed over. Only a short-lived socket of another process,
 * bound in the gap, can still take one of their ports.
 */
public final class Ports {

    /** Where the tests' RTP blocks lie; fixed ports stay out of it. */
    static final Range RTP = new Range(20000, 60000);
    /** Candidate windows in order of preference: above the RTP blocks, then Patchbay's default RTP range. */
    private static final Range[] WINDOWS = {new Range(61000, 65535), new Range(10000, 19999)};
    private static final int MIN_WINDOW = 1000;
    private static final Path LINUX_EPHEMERAL = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final Range WINDOW = window(ephemeral());
    private static final int START = ThreadLocalRandom.current().nextInt(WINDOW.size());
    /** Per-JVM reservation, the only state here: how many ports of the window were handed out. */
    private static final AtomicInteger TAKEN = new AtomicInteger();
    /** SIPp binds its -mp port for audio and the port two above it for video. */
    private static final int MIN_RTP_BLOCK = 4;
    private static final int RTP_SPAN = RTP.last() - RTP.first();
    private static final int RTP_START = 2 * ThreadLocalRandom.current().nextInt(RTP_SPAN / 2);
    /** Per-JVM reservation of RTP blocks: how many ports of 20000-60000 were handed out or passed over. */
    private static final AtomicInteger RTP_TAKEN = new AtomicInteger();

    private Ports() {
    }

    /** Ports {@code first} to {@code last}, both included. */
    record Range(int first, int last) {

        int size() {
            return last - first + 1;
        }

        boolean contains(int port) {
            return port >= first && port <= last;
        }

        /** The larger part of this range that {@code other} leaves, or null if it covers all of it. */
        Range minus(Range other) {
            if (other.last < first || other.first > last) {
                return this;
            }
            Range below = other.first > first ? new Range(first, other.first - 1) : null;
            Range above = other.last < last ? new Range(other.last + 1, last) : null;
            if (below == null || above == null) {
                return below == null ? above : below;
            }
            return below.size() >= above.size() ? below : above;
        }
    }

    /** A port free on both UDP and TCP on 127.0.0.1, never handed out before in this JVM. */
    public static int freeUdpAndTcp() {
        while (true) {
            int n = TAKEN.getAndIncrement();
            if (n >= WINDOW.size()) {
                throw new IllegalStateException("all " + WINDOW.size() + " test ports in " + WINDOW
                        + " were handed out in this JVM; close servers between tests or widen Ports.WINDOWS");
            }
            int port = WINDOW.first() + (START + n) % WINDOW.size();
            if (free(port)) {
                return port;
            }
        }
    }

    /**
     * The first (even) port of a block of {@code size} ports in 20000-60000, all free on UDP now and overlapping
     * no other block handed out in this JVM.
     */
    public static int rtpBase(int size) {
        int block = Math.max(MIN_RTP_BLOCK, size + (size & 1));
        while (true) {
            int offset = RTP_TAKEN.getAndAdd(block);
            if (offset >= RTP_SPAN) {
                throw new IllegalStateException("the RTP ports " + RTP + " were all handed out in this JVM; "
                        + "ask for smaller blocks or widen Ports.RTP");
            }
            int base = RTP.first() + (RTP_START + offset) % RTP_SPAN;
            if (base + block - 1 <= RTP.last() && freeUdp(base, block)) {
                return base; // else it crosses the top, or a port is taken: the next block
            }
        }
    }

    /** The window fixed ports come from, for tests of this class. */
    static Range window() {
        return WINDOW;
    }

    private static boolean freeUdp(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                // free
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }

    private static boolean free(int port) {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
             ServerSocket tcp = new ServerSocket()) {
            tcp.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first candidate window that keeps {@value #MIN_WINDOW} ports clear of {@code ephemeral}. */
    static Range window(Range ephemeral) {
        for (Range candidate : WINDOWS) {
            Range left = candidate.minus(ephemeral);
            if (left != null && left.size() >= MIN_WINDOW) {
                return left;
            }
        }
        throw new IllegalStateException("the ephemeral port range " + ephemeral + " leaves no window of " + MIN_WINDOW
                + " ports for test servers; narrow net.ipv4.ip_local_port_range or add a window to Ports.WINDOWS");
    }

    /** Linux's ephemeral range; elsewhere the IANA one (macOS and Windows use it). */
    static Range ephemeral() {
        return Files.isReadable(LINUX_EPHEMERAL) ? linuxEphemeral() : new Range(49152, 65535);
    }

    /** Read line by line: Files.readString gave only the first byte of this procfs file (JDK 25; it reports size 0). */
    static Range linuxEphemeral() {
        try {
            String[] bounds = Files.readAllLines(LINUX_EPHEMERAL).getFirst().strip().split("\\s+");
            return new Range(Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1]));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the ephemeral port range from " + LINUX_EPHEMERAL + ": " + e
                    + "; fix its format or the parsing in Ports", e);
        }
    }
}
