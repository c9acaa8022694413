package dev.patchbay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loss is counted per packet of the window's bursts, over real loopback sockets: an echo that is slow but
 * loses nothing measures no loss wherever the window ends, and one that drops packets measures exactly those.
 */
class RtpPacerLossTest {

    private static final int LEGS = 4;

    private record Leg(DatagramChannel rtp, SocketAddress media) implements RtpPacer.Leg {
    }

    /**
     * A UDP echo that holds every packet {@code holdMs}, drops those whose RTP sequence number is a
     * multiple of {@code dropEvery}, and holds those that are a multiple of {@code lateEvery} 400 ms.
     */
    private static final class Echo implements AutoCloseable {
        final DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        private final Thread reader;

        Echo(int holdMs, int dropEvery) throws IOException {
            this(holdMs, dropEvery, 0);
        }

        Echo(int holdMs, int dropEvery, int lateEvery) throws IOException {
            reader = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    while (true) {
                        ByteBuffer packet = ByteBuffer.allocate(2048);
                        SocketAddress from = socket.receive(packet);
                        int seq = (packet.get(2) & 0xFF) << 8 | packet.get(3) & 0xFF;
                        if (dropEvery == 0 || seq % dropEvery != 0) {
                            int hold = lateEvery > 0 && seq % lateEvery == 0 ? 400 : holdMs;
                            later.schedule(() -> send(packet.flip(), from), hold, TimeUnit.MILLISECONDS);
                        }
                    }
                } catch (ClosedChannelException closed) {
                    // the test is over
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        private void send(ByteBuffer packet, SocketAddress to) {
            try {
                socket.send(packet, to);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        SocketAddress address() throws IOException {
            return socket.getLocalAddress();
        }

        @Override
        public void close() throws Exception {
            later.shutdownNow();
            socket.close();
            reader.join(1000);
        }
    }

    private static List<Leg> legs(Echo echo) throws IOException {
        List<Leg> legs = new ArrayList<>();
        for (int i = 0; i < LEGS; i++) {
            DatagramChannel rtp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            rtp.configureBlocking(false);
            legs.add(new Leg(rtp, echo.address()));
        }
        return legs;
    }

    private static RtpPacer.Window measure(Echo echo) throws Exception {
        return measure(echo, 20);
    }

    private static RtpPacer.Window measure(Echo echo, int ptimeMs) throws Exception {
        List<Leg> legs = legs(echo);
        try (RtpPacer pacer = new RtpPacer(legs, ptimeMs)) {
            return pacer.measure(Duration.ofMillis(300), Duration.ofSeconds(1));
        } finally {
            for (Leg leg : legs) {
                leg.rtp().close();
            }
        }
    }

    @Test
    void aSlowEchoThatLosesNothingMeasuresNoLoss() throws Exception {
        try (Echo echo = new Echo(15, 0)) {
            RtpPacer.Window w = measure(echo);
            assertTrue(w.sent() >= LEGS * 20L, "a second of 20 ms bursts: " + w.sent());
            assertEquals(0, w.sent() % LEGS, "whole bursts only: " + w.sent());
            // Before: the bursts sent during the window against the echoes received in it, off by a burst
            // whenever the window ended within the 15 ms hold (three windows in four).
            assertEquals(w.sent(), w.echoed());
            assertEquals(w.echoed(), w.latencies().length);
            long p50 = w.latencies()[w.latencies().length / 2];
            assertTrue(p50 >= 15_000_000L && p50 < 200_000_000L, "held 15 ms: " + p50 + " ns");
            assertTrue(w.nanos() >= Duration.ofSeconds(1).toNanos() + RtpPacer.GRACE_NANOS, "window and grace: " + w.nanos());
            double rate = w.packetsPerCallSecond(LEGS);
            assertTrue(rate > 45 && rate < 52, "an echo of 20 ms packets sends 50 a second per call: " + rate);
        }
    }

    @Test
    void thirtyMillisecondPacketsAreTaggedPerTenMillisecondsAndCountedAtTheirRate() throws Exception {
        try (Echo echo = new Echo(5, 0)) {
            RtpPacer.Window w = measure(echo, 30);
            assertEquals(w.sent(), w.echoed(), "every 30 ms packet echoed whole is matched by its first tag");
            long p50 = w.latencies()[w.latencies().length / 2];
            assertTrue(p50 >= 5_000_000L && p50 < 200_000_000L, "held 5 ms: " + p50 + " ns");
            double rate = w.packetsPerCallSecond(LEGS);
            assertTrue(rate > 30 && rate < 35, "33 packets of 30 ms a second per call: " + rate);
        }
    }

    @Test
    void anEchoThatDropsEveryFifthPacketMeasuresThoseAndOnlyThose() throws Exception {
        try (Echo echo = new Echo(5, 5)) {
            RtpPacer.Window w = measure(echo);
            long bursts = w.sent() / LEGS;
            assertEquals(0, w.sent() % LEGS, "whole bursts only: " + w.sent());
            // Of n consecutive bursts, floor(n/5) or ceil(n/5) are numbered a multiple of five.
            long fewest = LEGS * (bursts - (bursts + 4) / 5);
            long most = LEGS * (bursts - bursts / 5);
            assertTrue(w.echoed() >= fewest && w.echoed() <= most,
                    "echoed " + w.echoed() + " of " + w.sent() + ", expected " + fewest + ".." + most);
            assertTrue(w.lossPercent() > 15 && w.lossPercent() < 25, "about a fifth: " + w.lossPercent());
            assertEquals(w.sent() - w.echoed(), w.notReceived(), "dropped, so not received; none late");
            assertEquals(0, w.late());
        }
    }

    @Test
    void anEchoThatHoldsEveryFifthPacket400MsCountsThoseLateNotReceivedNone() throws Exception {
        try (Echo echo = new Echo(5, 0, 5)) {
            RtpPacer.Window w = measure(echo);
            long bursts = w.sent() / LEGS;
            long fewest = LEGS * (bursts / 5);
            long most = LEGS * ((bursts + 4) / 5);
            assertTrue(w.late() >= fewest && w.late() <= most, "late " + w.late() + " of " + w.sent() + ", expected " + fewest + ".." + most);
            assertEquals(w.sent(), w.echoed() + w.late(), "every packet came back, in time or late");
            assertEquals(0, w.notReceived());
            assertTrue(w.lossPercent() > 15 && w.lossPercent() < 25, "late is lost to a caller: " + w.lossPercent());
        }
    }
}
