package dev.patchbay.control.delivery;

import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * Which address classes outgoing HTTP may reach, from {@code patchbay.control.outbound.*}.
 * Loopback follows {@code patchbay.local} unless set, so a laptop can point a bot at localhost
 * while a production deployment cannot be turned against its own host.
 */
public record OutboundPolicy(boolean allowLoopback, boolean allowPrivate, boolean allowLinkLocal) {

    public static final String ALLOW_LOOPBACK = "patchbay.control.outbound.allow-loopback";
    public static final String ALLOW_PRIVATE = "patchbay.control.outbound.allow-private";
    public static final String ALLOW_LINK_LOCAL = "patchbay.control.outbound.allow-link-local";

    /** Public internet only: the production default. */
    public static final OutboundPolicy STRICT = new OutboundPolicy(false, false, false);

    /** The shipped application.yaml alone, without environment or system properties. */
    public static OutboundPolicy defaults() {
        return from(ShippedDefaults.root(OutboundPolicy.class));
    }

    /** Reads every setting; defaults live only in application.yaml. */
    public static OutboundPolicy from(Config root) {
        boolean local = root.get("patchbay.local").asBoolean().get();
        String loopback = root.get(ALLOW_LOOPBACK).asString().get().strip();
        return new OutboundPolicy(
                loopback.isEmpty() ? local : bool(ALLOW_LOOPBACK, loopback),
                bool(ALLOW_PRIVATE, root.get(ALLOW_PRIVATE).asString().get()),
                bool(ALLOW_LINK_LOCAL, root.get(ALLOW_LINK_LOCAL).asString().get()));
    }

    private static boolean bool(String key, String value) {
        return switch (value.strip().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalStateException(key + " is '" + value + "': set it to true or false");
        };
    }

    public OutboundPolicy withAllowLoopback(boolean allowLoopback) {
        return new OutboundPolicy(allowLoopback, allowPrivate, allowLinkLocal);
    }

    public OutboundPolicy withAllowPrivate(boolean allowPrivate) {
        return new OutboundPolicy(allowLoopback, allowPrivate, allowLinkLocal);
    }

    public OutboundPolicy withAllowLinkLocal(boolean allowLinkLocal) {
        return new OutboundPolicy(allowLoopback, allowPrivate, allowLinkLocal);
    }
}
