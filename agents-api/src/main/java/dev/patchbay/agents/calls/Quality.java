package dev.patchbay.agents.calls;

import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.rest.ApiJson;

/**
 * Call quality from the media-plane's RTP counters: loss, jitter, and a MOS estimate by the
 * E-model. The delay term is what the gateway adds itself (packetisation and jitter buffer,
 * {@code patchbay.agents.quality.base-delay-ms}); network delay needs RTCP, which is not measured.
 */
public final class Quality {

    /** Quality figures; null when there was no media to judge. */
    public record Metrics(Double mos, Double jitterMs, Double packetLoss, Double latencyMs) { }

    private final double baseDelayMs;
    private final Function<CallRecord, Optional<RtpStats>> live;

    public Quality(double baseDelayMs, Function<CallRecord, Optional<RtpStats>> live) {
        this.baseDelayMs = baseDelayMs;
        this.live = live;
    }

    public Metrics of(RtpStats s) {
        // RFC 3550 A.3 counts from the media-plane; duplicates can make "lost" negative, which is no loss.
        long expected = s.getPacketsExpected();
        if (expected == 0) {
            return new Metrics(null, null, null, null);
        }
        double loss = Math.max(0, s.getPacketsLost()) / (double) expected;
        double jitter = s.getJitterMs();
        double latency = baseDelayMs + 2 * jitter;
        return new Metrics(round(EModel.mos(loss, jitter, baseDelayMs), 2), round(jitter, 2), round(loss, 4), round(latency, 0));
    }

    /** The seed's quality_metrics: stored once the call is over, read live from its media node while it runs. */
    ObjectNode metrics(CallRecord call, AgentCall a) {
        Metrics m;
        if (a.mos() != null || call.status().terminal()) {
            m = new Metrics(a.mos(), a.jitterMs(), a.packetLoss(), a.jitterMs() == null ? null : round(baseDelayMs + 2 * a.jitterMs(), 0));
        } else {
            m = call.answeredAt() == null ? new Metrics(null, null, null, null) : live.apply(call).map(this::of)
                    .orElse(new Metrics(null, null, null, null));
        }
        ObjectNode o = ApiJson.object();
        o.put("mos_score", m.mos()).put("latency_ms", m.latencyMs()).put("packet_loss", m.packetLoss())
                .put("jitter_ms", m.jitterMs());
        return o;
    }

    private static Double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}
