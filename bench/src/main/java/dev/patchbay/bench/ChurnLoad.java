package dev.patchbay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import dev.patchbay.media.testutil.SipUdpClient;

/**
 * The soak's load: about {@code n} echo calls up at once, alternating between two targets (the gRPC and
 * the Twilio WSS echo bot), with the oldest call hung up and a new one placed {@code rate} times a second,
 * so set-ups and hang-ups never stop. Every call up gets a 20 ms PCMU packet every 20 ms, and what comes
 * back is counted: the calls carry media for their whole life, as real ones do.
 *
 * <p>Every INVITE and every answer is counted: each answered call must have a finished record at the end.
 */
final class ChurnLoad implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChurnLoad.class.getName());
    private static final int PTIME_MS = 20;

    /** Counters so far. */
    record Counts(long placed, long answered, long failed, long ended, long unended, long live, long packetsSent,
                  long packetsBack, long skippedTicks) {
    }

    private record Live(Callers.Call call, Callers.Target target) {
    }

    private final List<Callers.Target> targets;
    private final Deque<Live> live = new ConcurrentLinkedDeque<>();
    /** Set-ups in flight at most: a slower answer than 1/rate per thread lowers the churn, never queues it. */
    private static final int MAX_PLACING = 16;

    private final ExecutorService placing = Executors.newFixedThreadPool(MAX_PLACING);
    private final ExecutorService hangingUp = Executors.newFixedThreadPool(8);
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private int target;
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
    private final ConcurrentHashMap<String, String> failures = new ConcurrentHashMap<>();
    private final AtomicLong placed = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    /** The Call-ID of every answered call, for matching the records one by one (18,000 in an hour at 5/s). */
    private final Set<String> answeredCallIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong unended = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong back = new AtomicLong();
    private final ByteBuffer packet = ByteBuffer.allocate(12 + RtpPacer.FRAME);
    private final ByteBuffer receive = ByteBuffer.allocate(2048);
    private int sequence;

    ChurnLoad(List<Callers.Target> targets) {
        this.targets = List.copyOf(targets);
    }

    /** Places {@code n} calls (8 at a time), then churns {@code rate} calls a second until closed. */
    void start(int n, int rate) throws InterruptedException {
        clock.scheduleAtFixedRate(this::media, PTIME_MS, PTIME_MS, TimeUnit.MILLISECONDS);
        target = n;
        List<java.util.concurrent.Future<?>> ramp = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ramp.add(placing.submit(this::placeOne));
        }
        for (java.util.concurrent.Future<?> f : ramp) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("placing a call failed unexpectedly", e.getCause());
            }
        }
        LOG.info(() -> "ramp done: " + counts());
        long periodMicros = 1_000_000L / rate;
        clock.scheduleAtFixedRate(this::churn, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
    }

    Counts counts() {
        return new Counts(placed.get(), answered.get(), failed.get(), ended.get(), unended.get(), live.size(), sent.get(), back.get(), skipped.get());
    }

    /** The first failure of each kind, for the report. */
    /** The Call-IDs of the calls answered so far. */
    Set<String> answeredCallIds() {
        return Set.copyOf(answeredCallIds);
    }

    List<String> failureKinds() {
        return List.copyOf(failures.values());
    }

    private void placeOne() {
        long i = placed.getAndIncrement();
        Callers.Target target = targets.get((int) (i % targets.size()));
        DatagramChannel rtp = null;
        try {
            rtp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            rtp.configureBlocking(false);
            SipUdpClient sip = new SipUdpClient(target.sipPort());
            live.addLast(new Live(Callers.dial(target, "soak" + i, rtp, sip), target));
            answeredCallIds.add(sip.callId);
            answered.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            Callers.closeQuietly(null, rtp);
            failed.incrementAndGet();
            String kind = String.valueOf(e.getMessage()).replaceAll("soak\\d+", "soak<n>");
            failures.putIfAbsent(kind, kind);
        }
    }

    /**
     * One churn tick: the oldest call hung up when {@code n} are up or being set up, and a new one placed,
     * unless {@link #MAX_PLACING} set-ups are still waiting for their answers (the tick is then skipped
     * and counted). A call that failed is replaced on the next tick without a hang-up.
     */
    private void churn() {
        if (inFlight.get() >= MAX_PLACING) {
            skipped.incrementAndGet();
            return;
        }
        if (live.size() + inFlight.get() >= target) {
            Live oldest = live.pollFirst();
            if (oldest != null) {
                hangingUp.submit(() -> hangUp(oldest));
            }
        }
        inFlight.incrementAndGet();
        placing.submit(() -> {
            try {
                placeOne();
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private void hangUp(Live l) {
        try {
            SipUdpClient.SipMessage r = Callers.bye(l.call(), l.target().user());
            (r != null && r.status() == 200 ? ended : unended).incrementAndGet();
        } catch (IOException e) {
            unended.incrementAndGet();
        } finally {
            Callers.closeQuietly(l.call().sip(), l.call().rtp());
        }
    }

    /** One 20 ms tick: a packet to every live call, and whatever came back drained and counted. */
    private void media() {
        int seq = sequence++;
        for (Live l : live) {
            try {
                packet.clear();
                packet.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(seq * RtpPacer.FRAME)
                        .putInt(System.identityHashCode(l));
                while (packet.hasRemaining()) {
                    packet.put((byte) 0xFF); // mu-law silence
                }
                packet.flip();
                if (l.call().rtp().send(packet, l.call().media()) > 0) {
                    sent.incrementAndGet();
                }
                receive.clear();
                while (l.call().rtp().receive(receive) != null) {
                    back.incrementAndGet();
                    receive.clear();
                }
            } catch (IOException closing) {
                // the call is being hung up on another thread
            }
        }
    }

    /** Stops the churn and the media, then hangs up every call still up. */
    @Override
    public void close() throws InterruptedException {
        clock.shutdownNow();
        clock.awaitTermination(10, TimeUnit.SECONDS);
        placing.shutdown();
        placing.awaitTermination(2, TimeUnit.MINUTES);
        hangingUp.shutdown();
        hangingUp.awaitTermination(2, TimeUnit.MINUTES);
        Deque<Live> rest = new ArrayDeque<>(live);
        live.clear();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Live l : rest) {
                pool.submit(() -> hangUp(l));
            }
        }
        LOG.info(() -> "all hung up: " + counts());
    }
}
