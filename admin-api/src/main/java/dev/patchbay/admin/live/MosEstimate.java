package dev.patchbay.admin.live;

import dev.patchbay.agents.calls.EModel;

/**
 * The one place the admin-api reaches the E-model (ITU-T G.107, reduced for G.711) that the agents API's
 * {@code Quality} uses, so the live page's MOS and a finished agent call's agree. An adapter rather than a
 * copy: when the formula moves to a module both reach, only this import changes.
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
