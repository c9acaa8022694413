package dev.patchbay.control.quality;

import dev.patchbay.metrics.quality.EModel;
import dev.patchbay.proto.media.v1.RtpStats;

/**
 * A call's media quality from the media-plane's RTP counters of the caller's stream: loss, jitter and a MOS
 * estimate by the E-model ({@link EModel}). The one-way delay term is what the gateway adds itself
 * ({@link QualityConfig#baseDelayMs()}); network delay needs RTCP, which is not measured. Every call's record keeps
 * it from its hang-up (V29), and the agents API reports it as {@code quality_metrics}.
 *
 * @param packetsExpected RFC 3550 A.3 packets expected; null when unknown (no counters reached us)
 * @param packetsLost     expected minus received; duplicates can make it negative; null when unknown
 * @param jitterMs        RFC 3550 interarrival jitter, 2 decimals; null without media
 * @param packetLoss      lost over expected, 0..1, 4 decimals (negative loss counts as none); null without media
 * @param mos             the MOS estimate, 1..4.5, 2 decimals; null without media
 */
public record CallQuality(Long packetsExpected, Long packetsLost, Double jitterMs, Double packetLoss, Double mos) {

    /** Nothing is known: the call's counters never reached the control-plane (its node was lost). */
    public static final CallQuality UNKNOWN = new CallQuality(null, null, null, null, null);

    /** The figures for {@code s}; a call that expected no packet (rejected, never answered) has none to judge. */
    public static CallQuality of(RtpStats s, double baseDelayMs) {
        long expected = s.getPacketsExpected();
        if (expected == 0) {
            return new CallQuality(0L, s.getPacketsLost(), null, null, null);
        }
        double loss = Math.max(0, s.getPacketsLost()) / (double) expected;
        double jitter = s.getJitterMs();
        return new CallQuality(expected, s.getPacketsLost(), round(jitter, 2), round(loss, 4),
                round(EModel.mos(loss, jitter, baseDelayMs), 2));
    }

    /** True when there are figures to show. */
    public boolean measured() {
        return mos != null;
    }

    public static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}
