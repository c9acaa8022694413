package dev.patchbay.admin.tenant;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How the control-plane connects a call to a bot; the wire names match the bots_kind_known check. */
public enum BotKind {
    ECHO("echo"),
    WSS("wss"),
    GRPC("grpc"),
    WEBHOOK("webhook");

    /** For error messages: "echo, wss, grpc, webhook". */
    public static final String NAMES = Arrays.stream(values()).map(BotKind::wire).collect(Collectors.joining(", "));

    private final String wire;

    BotKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<BotKind> fromWire(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
    }
}
