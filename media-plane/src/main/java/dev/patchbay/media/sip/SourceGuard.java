package dev.patchbay.media.sip;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import dev.patchbay.media.config.MediaDefaults;
import io.helidon.config.Config;

/**
 * The first gate every SIP request passes: known scanners are dropped without an answer, so a
 * sweep learns nothing (not even that something listens), and each source address gets a token
 * bucket, so one noisy peer cannot starve the rest. Dropping silently is deliberate: an error
 * response would confirm the host to the scanner and cost the same work.
 */
public final class SourceGuard {

    /**
     * @param scannerAgents   User-Agent substrings (case-insensitive) of known scanners
     * @param ratePerSecond   requests per second each source address may send; 0 turns limiting off
     * @param burst           the bucket size: how many requests a source may send at once after a quiet spell
     */
    public record Settings(List<String> scannerAgents, int ratePerSecond, int burst) {
        /** What the shipped application.yaml sets: known scanners, and enough for a carrier trunk placing ~100 calls/s. */
        public static Settings defaults() {
            return from(MediaDefaults.root().get("patchbay"));
        }

        /** Reads {@code patchbay.sip.guard.*}; the scanners are a comma-separated list. */
        public static Settings from(Config patchbay) {
            return new Settings(List.of(patchbay.get("sip.guard.scanners").asString().get().split(",")),
                    patchbay.get("sip.guard.rate").asInt().get(), patchbay.get("sip.guard.burst").asInt().get());
        }

        /** The same scanners with another rate limit; 0 turns limiting off. */
        public Settings withLimit(int rate, int bucket) {
            return new Settings(scannerAgents, rate, bucket);
        }

        public Settings {
            scannerAgents = scannerAgents.stream().map(s -> s.toLowerCase(Locale.ROOT).strip()).filter(s -> !s.isEmpty()).toList();
            if (ratePerSecond < 0 || burst < 0) {
                throw new IllegalArgumentException("patchbay.sip.guard.rate and .burst must not be negative");
            }
        }
    }

    /** What to do with a request. */
    public enum Verdict { ADMIT, SCANNER, THROTTLED }

    private static final Logger LOG = Logger.getLogger(SourceGuard.class.getName());
    /** Buckets idle this long are forgotten, which bounds the map under a spoofed-source flood. */
    private static final long IDLE_NANOS = 60_000_000_000L;
    private static final int SWEEP_ABOVE = 10_000;
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    private final Settings settings;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong scanners = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE / 2);

    public SourceGuard(Settings settings) {
        this.settings = settings;
    }

    public Verdict check(String userAgent, String source, long nowNanos) {
        if (userAgent != null && !settings.scannerAgents().isEmpty()) {
            String ua = userAgent.toLowerCase(Locale.ROOT);
            for (String scanner : settings.scannerAgents()) {
                if (ua.contains(scanner)) {
                    scanners.incrementAndGet();
                    return Verdict.SCANNER;
                }
            }
        }
        if (settings.ratePerSecond() == 0) {
            return Verdict.ADMIT;
        }
        // At most once a second: with many live sources a sweep removes little, and running it per
        // request would make each request cost a walk over the whole map.
        long last = lastSweep.get();
        if (buckets.size() > SWEEP_ABOVE && nowNanos - last > SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, nowNanos)) {
            buckets.values().removeIf(b -> b.idleSince(nowNanos) > IDLE_NANOS);
        }
        Bucket bucket = buckets.computeIfAbsent(source, s -> new Bucket(settings, nowNanos));
        if (bucket.take(nowNanos)) {
            return Verdict.ADMIT;
        }
        if (throttled.getAndIncrement() % 1000 == 0) {
            LOG.warning(() -> "SIP from " + source + " is over " + settings.ratePerSecond()
                    + " requests/s and is being dropped (patchbay.sip.guard.rate); " + throttled.get() + " dropped so far");
        }
        return Verdict.THROTTLED;
    }

    public long scannersDropped() {
        return scanners.get();
    }

    public long throttled() {
        return throttled.get();
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
