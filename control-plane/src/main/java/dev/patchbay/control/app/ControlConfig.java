package dev.patchbay.control.app;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.helidon.config.Config;

/**
 * control-plane settings, read once from {@code patchbay.*}; defaults live in application.yaml.
 *
 * @param bridgeLease     how long a replica's claim on a call's bot bridge lasts without renewal;
 *                        after it, another replica takes the call over
 * @param connectTimeout  how long a bot's WebSocket may take to open before the call is hung up
 * @param reconnectGrace  how long a dropped bot WebSocket may take to come back before the call is hung up
 */
public record ControlConfig(String host, int port, List<String> mediaNodes, String clusterToken, String replica,
                            Duration bridgeLease, Duration connectTimeout, Duration reconnectGrace) {

    public static ControlConfig from(Config root) {
        Config p = root.get("patchbay");
        String replica = p.get("control.replica").asString().orElse("");
        return new ControlConfig(
                p.get("control.server.host").asString().orElse("0.0.0.0"),
                p.get("control.server.port").asInt().orElse(8080),
                Arrays.stream(p.get("control.media.nodes").asString().orElse("127.0.0.1:9090").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList(),
                p.get("cluster.token").asString().orElse(""),
                replica.isEmpty() ? ManagementFactory.getRuntimeMXBean().getName() : replica,
                p.get("control.bridge.lease").as(Duration.class).orElse(Duration.ofSeconds(10)),
                p.get("control.bridge.connect-timeout").as(Duration.class).orElse(Duration.ofSeconds(5)),
                p.get("control.bridge.reconnect-grace").as(Duration.class).orElse(Duration.ofSeconds(5)));
    }
}
