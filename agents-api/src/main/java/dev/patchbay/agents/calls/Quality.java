package dev.patchbay.agents.calls;

import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.quality.CallQuality;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.rest.ApiJson;

/**
 * An agent call's {@code quality_metrics}: {@link CallQuality}'s loss, jitter and MOS estimate (the figures every
 * call's record keeps), plus the latency the E-model assumed ({@code patchbay.quality.base-delay-ms} and twice
 * the jitter); network delay needs RTCP, which is not measured.
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

    /** The same figures every call's record keeps (CallQuality), with the latency the E-model assumed. */
    public Metrics of(RtpStats s) {
        CallQuality q = CallQuality.of(s, baseDelayMs);
        return new Metrics(q.mos(), q.jitterMs(), q.packetLoss(), latency(q.jitterMs()));
    }

    /** The seed's quality_metrics: stored once the call is over, read live from its media node while it runs. */
    ObjectNode metrics(CallRecord call, AgentCall a) {
        Metrics m;
        if (a.mos() != null || call.status().terminal()) {
            m = new Metrics(a.mos(), a.jitterMs(), a.packetLoss(), latency(a.jitterMs()));
        } else {
            m = call.answeredAt() == null ? new Metrics(null, null, null, null) : live.apply(call).map(this::of)
                    .orElse(new Metrics(null, null, null, null));
        }
        ObjectNode o = ApiJson.object();
        o.put("mos_score", m.mos()).put("latency_ms", m.latencyMs()).put("packet_loss", m.packetLoss())
                .put("jitter_ms", m.jitterMs());
        return o;
    }

    private Double latency(Double jitterMs) {
        return jitterMs == null ? null : CallQuality.round(baseDelayMs + 2 * jitterMs, 0);
    }
}
