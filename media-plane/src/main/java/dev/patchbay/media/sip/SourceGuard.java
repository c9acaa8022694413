package dev.patchbay.media.sip;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import dev.patchbay.media.config.MediaDefaults;
import io.helidon.config.Config;

/**
 * The first gate SIP passes. Each source address gets a token bucket twice over:
 * <ul>
 * <li>per UDP datagram, checked on the socket before jain-sip reads the bytes ({@link GuardedNetworkLayer}),
 *     so a flood costs a map lookup per datagram instead of a parse, and cannot crowd the stack's
 *     queue ahead of other sources;</li>
 * <li>per parsed request, whatever the transport, which is what limits a peer over TCP or TLS.</li>
 * </ul>
 * Known scanners are dropped without an answer, so a sweep learns nothing (not even that something
 * listens). Dropping silently is deliberate: an error response would confirm the host to the scanner
 * and cost the same work.
 */
public final class SourceGuard {

    /**
     * @param scannerAgents   User-Agent substrings (case-insensitive) of known scanners
     * @param ratePerSecond   requests (and UDP datagrams) per second each source address may send; 0 turns limiting off
     * @param burst           the bucket size: how many requests a source may send at once after a quiet spell
     * @param connections     the caps on TCP and TLS connections
     */
    public record Settings(List<String> scannerAgents, int ratePerSecond, int burst, Connections connections) {
        /** What the shipped application.yaml sets: known scanners, and enough for a carrier trunk placing ~100 calls/s. */
        public static Settings defaults() {
            return from(MediaDefaults.root().get("patchbay"));
        }

        /** Reads {@code patchbay.sip.guard.*}; the scanners are a comma-separated list. */
        public static Settings from(Config patchbay) {
            Config guard = patchbay.get("sip.guard");
            return new Settings(List.of(guard.get("scanners").asString().get().split(",")),
                    guard.get("rate").asInt().get(), guard.get("burst").asInt().get(),
                    new Connections(guard.get("connections.total").asInt().get(), guard.get("connections.per-source").asInt().get(),
                            guard.get("connections.idle").as(Duration.class).get()));
        }

        /** The same settings with another rate limit; 0 turns limiting off. */
        public Settings withLimit(int rate, int bucket) {
            return new Settings(scannerAgents, rate, bucket, connections);
        }

        public Settings withConnections(Connections caps) {
            return new Settings(scannerAgents, ratePerSecond, burst, caps);
        }

        public Settings {
            scannerAgents = scannerAgents.stream().map(s -> s.toLowerCase(Locale.ROOT).strip()).filter(s -> !s.isEmpty()).toList();
            if (ratePerSecond < 0 || burst < 0) {
                throw new IllegalArgumentException("patchbay.sip.guard.rate and .burst must not be negative");
            }
        }
    }

    /**
     * Caps on TCP and TLS connections accepted by the SIP listeners; a connection over a cap is
     * reset as soon as it is accepted, before a byte is read.
     *
     * @param total     concurrent connections from all sources
     * @param perSource concurrent connections from one address
     * @param idle      a connection that carries nothing for this long is closed
     */
    public record Connections(int total, int perSource, Duration idle) {
        public Connections {
            if (total < 1 || perSource < 1 || perSource > total) {
                throw new IllegalArgumentException("patchbay.sip.guard.connections.total and .per-source must be at least 1, "
                        + "and .per-source at most .total; got " + total + " and " + perSource);
            }
            if (idle.toMillis() < 1 || idle.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("patchbay.sip.guard.connections.idle must be between 1 ms and 24 days, got " + idle);
            }
        }
    }

    /** What to do with a request. */
    public enum Verdict { ADMIT, SCANNER, THROTTLED }

    private static final Logger LOG = Logger.getLogger(SourceGuard.class.getName());

    private final Settings settings;
    private final Buckets requests;
    private final Buckets datagrams;
    private final AtomicLong scanners = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong datagramsDropped = new AtomicLong();

    public SourceGuard(Settings settings) {
        this.settings = settings;
        this.requests = new Buckets(settings);
        this.datagrams = new Buckets(settings);
    }

    public Settings settings() {
        return settings;
    }

    /** After parsing: scanners by User-Agent, then the source's request bucket. */
    public Verdict check(String userAgent, InetAddress source, long nowNanos) {
        if (userAgent != null && !settings.scannerAgents().isEmpty()) {
            String ua = userAgent.toLowerCase(Locale.ROOT);
            for (String scanner : settings.scannerAgents()) {
                if (ua.contains(scanner)) {
                    scanners.incrementAndGet();
                    return Verdict.SCANNER;
                }
            }
        }
        if (settings.ratePerSecond() == 0 || requests.take(source, nowNanos)) {
            return Verdict.ADMIT;
        }
        overRate(throttled, source);
        return Verdict.THROTTLED;
    }

    /** Before parsing: whether a UDP datagram from {@code source} may go on to the stack. */
    public boolean admitDatagram(InetAddress source, long nowNanos) {
        if (settings.ratePerSecond() == 0 || datagrams.take(source, nowNanos)) {
            return true;
        }
        overRate(datagramsDropped, source);
        return false;
    }

    private void overRate(AtomicLong counter, InetAddress source) {
        if (counter.getAndIncrement() % 1000 == 0) {
            LOG.warning(() -> "SIP from " + source.getHostAddress() + " is over " + settings.ratePerSecond()
                    + "/s and is being dropped unanswered (patchbay.sip.guard.rate); " + counter.get() + " dropped so far");
        }
    }

    /** UDP datagrams dropped unread, ahead of the parser. */
    public long datagramsDropped() {
        return datagramsDropped.get();
    }

    public long scannersDropped() {
        return scanners.get();
    }

    /** Everything dropped for its source's rate: UDP datagrams before parsing and requests after. */
    public long throttled() {
        return throttled.get() + datagramsDropped.get();
    }

    /** One bucket per source address, forgotten when idle, which bounds the map under a spoofed-source flood. */
    private static final class Buckets {
        private static final long IDLE_NANOS = 60_000_000_000L;
        private static final int SWEEP_ABOVE = 10_000;
        private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

        private final Settings settings;
        private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
        private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE / 2);

        Buckets(Settings settings) {
            this.settings = settings;
        }

        boolean take(InetAddress source, long nowNanos) {
            // At most once a second: with many live sources a sweep removes little, and running it per
            // request would make each request cost a walk over the whole map.
            long last = lastSweep.get();
            if (buckets.size() > SWEEP_ABOVE && nowNanos - last > SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, nowNanos)) {
                buckets.values().removeIf(b -> b.idleSince(nowNanos) > IDLE_NANOS);
            }
            return buckets.computeIfAbsent(source, s -> new Bucket(settings, nowNanos)).take(nowNanos);
        }
    }

    /**
     * Tokens refill continuously at the rate, up to the burst size. Counted in billionths of a
     * token, so the arithmetic is exact: one nanosecond at rate r adds r of them.
     */
    private static final class Bucket {
        private static final long TOKEN = 1_000_000_000L;
        private final long rate;
        private final long capacity;
        private long tokens;
        private long last;

        Bucket(Settings s, long now) {
            this.rate = s.ratePerSecond();
            this.capacity = Math.max(1, s.burst()) * TOKEN;
            this.tokens = capacity;
            this.last = now;
        }

        synchronized boolean take(long now) {
            long elapsed = Math.max(0, now - last);
            // Past a full refill the exact amount no longer matters, and the product cannot overflow.
            tokens = elapsed >= capacity / Math.max(1, rate) ? capacity : Math.min(capacity, tokens + elapsed * rate);
            last = now;
            if (tokens >= TOKEN) {
                tokens -= TOKEN;
                return true;
            }
            return false;
        }

        synchronized long idleSince(long now) {
            return now - last;
        }
    }
}
