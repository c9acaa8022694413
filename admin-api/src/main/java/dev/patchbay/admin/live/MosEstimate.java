package dev.patchbay.admin.live;

import dev.patchbay.metrics.quality.EModel;

/**
 * The live page's MOS: the E-model (ITU-T G.107, reduced for G.711) that every call record and the agents API use,
 * rounded as they show it, so a call's live figure and its recorded one agree.
 */
final class MosEstimate {

    private MosEstimate() {
    }

    /**
     * @param lossFraction packets lost over packets expected, 0..1
     * @param jitterMs     RFC 3550 interarrival jitter
     * @param baseDelayMs  what the gateway adds itself ({@code patchbay.admin.live.base-delay-ms})
     * @return MOS, 1.0-4.5, to two places
     */
    static double mos(double lossFraction, double jitterMs, double baseDelayMs) {
        return Math.round(EModel.mos(lossFraction, jitterMs, baseDelayMs) * 100) / 100.0;
    }
}
