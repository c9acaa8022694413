package dev.patchbay.media.registration;

/** A registration's state as {@code trunk_registrations.state} spells it. */
public enum RegistrationState {
    /** No node holds it, or its holder has not sent REGISTER yet. */
    UNREGISTERED("unregistered"),
    /** The first REGISTER of a binding is under way. */
    REGISTERING("registering"),
    /** The registrar holds our Contact until expires_at. */
    REGISTERED("registered"),
    /** The last REGISTER failed (last_error says why); retried with backoff. */
    FAILED("failed");

    private final String wire;

    RegistrationState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
