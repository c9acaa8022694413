package dev.patchbay.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.patchbay.metrics.Exposition;

/**
 * The media-plane's own loss counters, read from its {@code /metrics}. It adds a call's counters
 * when the call ends, so a step's share is the difference between a scrape before its calls were
 * placed and one after they have all ended: their whole life (warm-up, window, grace), not the window.
 */
final class MediaCounters {

    /** How long the calls of a step may take to end after their BYEs before the counters are read anyway. */
    private static final Duration END_WAIT = Duration.ofSeconds(20);

    /**
     * What the media-plane counted: caller packets in and packets out, frames the jitter buffer
     * concealed, bot frames trimmed from a standing backlog or dropped at a full playout queue, and
     * caller frames dropped at a full uplink to the bot.
     */
    record Counts(double packetsIn, double packetsOut, double concealed, double trimmed, double fullToCaller, double fullToBot) {
        Counts minus(Counts o) {
            return new Counts(packetsIn - o.packetsIn, packetsOut - o.packetsOut, concealed - o.concealed, trimmed - o.trimmed,
                    fullToCaller - o.fullToCaller, fullToBot - o.fullToBot);
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI metrics;

    MediaCounters(int observePort) {
        this.metrics = URI.create("http://127.0.0.1:" + observePort + "/metrics");
    }

    /** The counters now. */
    Counts read() throws IOException, InterruptedException {
        Exposition e = scrape();
        return new Counts(e.sum("patchbay_rtp_packets_total", "direction", "in"), e.sum("patchbay_rtp_packets_total", "direction", "out"),
                e.sum("patchbay_rtp_frames_concealed_total"),
                e.sum("patchbay_audio_frames_dropped_total", "direction", "to_caller", "reason", "backlog_trimmed"),
                e.sum("patchbay_audio_frames_dropped_total", "direction", "to_caller", "reason", "queue_full"),
                e.sum("patchbay_audio_frames_dropped_total", "direction", "to_bot", "reason", "queue_full"));
    }

    /** The counters once no call is active (every call's counters added), or after {@link #END_WAIT} regardless. */
    Counts readWhenIdle() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + END_WAIT.toNanos();
        while (scrape().sum("patchbay_calls_active") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100); // polling another process's gauge: nothing here to wait on instead
        }
        return read();
    }

    private Exposition scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + metrics + " answered " + r.statusCode() + "; is the media-plane's observe socket up?");
        }
        return Exposition.parse(r.body());
    }
}
