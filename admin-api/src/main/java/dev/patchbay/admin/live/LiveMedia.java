package dev.patchbay.admin.live;

import dev.patchbay.proto.media.v1.CallStatsResponse;
import dev.patchbay.proto.media.v1.RtpStats;

/**
 * What the node holding a live call reports of its media, as the live page shows it.
 *
 * @param codec    the codec in use ("PCMU"), or null from a node older than contract v1.11
 * @param ptimeMs  the caller's packet time, 0 when unknown
 * @param jitterMs RFC 3550 interarrival jitter of the caller's stream, or null before any packet
 * @param lossPct  packets lost over packets expected, in percent, or null before any packet
 * @param mos      the E-model's estimate from loss and jitter, or null before any packet
 */
public record LiveMedia(String codec, int ptimeMs, Double jitterMs, Double lossPct, Double mos) {

    static LiveMedia of(CallStatsResponse r, double baseDelayMs) {
        String codec = r.hasCodec() && !r.getCodec().getName().isEmpty() ? r.getCodec().getName() : null;
        RtpStats s = r.getStats();
        long expected = s.getPacketsExpected();
        if (expected == 0) {
            return new LiveMedia(codec, r.getPtimeMs(), null, null, null);
        }
        // Duplicates can make RFC 3550's "lost" negative, which is no loss.
        double loss = Math.max(0, s.getPacketsLost()) / (double) expected;
        double jitter = s.getJitterMs();
        return new LiveMedia(codec, r.getPtimeMs(), Math.round(jitter * 10) / 10.0, Math.round(loss * 1000) / 10.0,
                MosEstimate.mos(loss, jitter, baseDelayMs));
    }
}
