package dev.patchbay.media.loop;

import dev.patchbay.proto.media.v1.RtpStats;

/**
 * A call's media counters, taken on its media loop thread, live or when the call ends. Jitter,
 * expected and lost are RFC 3550 receiver statistics of the caller's stream (see ReceptionStats).
 * Bot audio is dropped at a full playout queue (overflowed) or trimmed from a standing backlog;
 * caller audio is dropped at a full uplink to the bot.
 */
public record MediaStats(long packetsReceived, long packetsSent, long packetsDropped, long framesOverflowed,
                         long uplinkFramesDropped, long framesConcealed, long packetsLateOrDuplicate,
                         double jitterMs, long packetsExpected, long packetsLost, long framesTrimmed) {

    public static final MediaStats NONE = new MediaStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public RtpStats toProto() {
        return RtpStats.newBuilder().setPacketsReceived(packetsReceived).setPacketsSent(packetsSent)
                .setPacketsDropped(packetsDropped).setFramesOverflowed(framesOverflowed)
                .setFramesConcealed(framesConcealed).setPacketsLate(packetsLateOrDuplicate)
                .setJitterMs(jitterMs).setPacketsExpected(packetsExpected).setPacketsLost(packetsLost).build();
    }
}
