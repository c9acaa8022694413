package dev.patchbay.media.sdp;

import java.util.Locale;

/** RFC 3264 media direction, seen from the side that wrote the SDP. */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    /** The direction an answer takes for this offered direction (RFC 3264 section 6.1). */
    public Direction answer() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    public String attribute() {
        return name().toLowerCase(Locale.ROOT);
    }
}
