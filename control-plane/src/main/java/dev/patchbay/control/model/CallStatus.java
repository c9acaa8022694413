package dev.patchbay.control.model;

import java.util.Optional;

/**
 * A call's status, named as Twilio's call resource names it, so clients written for Twilio read
 * it unchanged. {@code rejected} is Patchbay's: an inbound call refused by routing.
 */
public enum CallStatus {
    QUEUED("queued"),
    RINGING("ringing"),
    IN_PROGRESS("in-progress"),
    COMPLETED("completed"),
    BUSY("busy"),
    FAILED("failed"),
    NO_ANSWER("no-answer"),
    CANCELED("canceled"),
    REJECTED("rejected");

    private final String wire;

    CallStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean terminal() {
        return ordinal() >= COMPLETED.ordinal();
    }

    public static Optional<CallStatus> fromWire(String wire) {
        for (CallStatus s : values()) {
            if (s.wire.equals(wire)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
