package dev.patchbay.media.loop;

/** A call's media counters, taken on its media loop thread when the call ends. */
public record MediaStats(long packetsReceived, long packetsSent, long packetsDropped, long framesOverflowed,
                         long uplinkFramesDropped, long framesConcealed, long packetsLateOrDuplicate) {

    public static final MediaStats NONE = new MediaStats(0, 0, 0, 0, 0, 0, 0);
}
