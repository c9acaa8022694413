package dev.patchbay.media.loop;

import dev.patchbay.proto.media.v1.RtpStats;

/**
 * A call's media counters, taken on its media loop thread, live or when the call ends. The last
 * three are RFC 3550 receiver statistics of the caller's stream (see ReceptionStats).
 */
public record MediaStats(long packetsReceived, long packetsSent, long packetsDropped, long framesOverflowed,
                         long uplinkFramesDropped, long framesConcealed, long packetsLateOrDuplicate,
                         double jitterMs, long packetsExpected, long packetsLost) {

    public static final MediaStats NONE = new MediaStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public RtpStats toProto() {
        return RtpStats.newBuilder().setPacketsReceived(packetsReceived).setPacketsSent(packetsSent)
                .setPacketsDropped(packetsDropped).setFramesOverflowed(framesOverflowed)
                .setFramesConcealed(framesConcealed).setPacketsLate(packetsLateOrDuplicate)
                .setJitterMs(jitterMs).setPacketsExpected(packetsExpected).setPacketsLost(packetsLost).build();
    }
}
