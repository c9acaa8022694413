package dev.patchbay.control.app;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.patchbay.control.delivery.ConfigDurations;
import dev.patchbay.control.media.NodeDiscovery;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * control-plane settings, read once from {@code patchbay.*}. Defaults live only in the shipped
 * application.yaml, so {@link #from} takes no fallbacks; tests start from {@link #defaults()} and
 * change what they need with the withers.
 *
 * @param replica         this replica's name; the configured one, or pid@host when that is empty
 * @param bridgeLease     how long a replica's claim on a call's bot bridge lasts without renewal;
 *                        after it, another replica takes the call over
 * @param connectTimeout  how long a bot's WebSocket may take to open before the call is hung up
 * @param reconnectGrace  how long a dropped bot WebSocket may take to come back before the call is hung up
 * @param webhookTimeout  how long a webhook bot's platform may take to answer before the call gets 480
 * @param discovery       how often the media node registry is read, and when a node counts as dead
 * @param local           local single-machine mode ({@code patchbay.local})
 * @param var             the local state directory ({@code patchbay.var})
 */
public record ControlConfig(String host, int port, List<String> mediaNodes, String clusterToken, String replica,
                            Duration bridgeLease, Duration connectTimeout, Duration reconnectGrace,
                            Duration webhookTimeout, NodeDiscovery.Settings discovery, boolean local, Path var) {

    public ControlConfig {
        mediaNodes = List.copyOf(mediaNodes);
    }

    /** The shipped application.yaml alone, without environment or system properties. */
    public static ControlConfig defaults() {
        return from(ShippedDefaults.root(ControlConfig.class));
    }

    /** Reads every setting; a key missing from the merged sources means the shipped YAML was not on the path. */
    public static ControlConfig from(Config root) {
        Config p = root.get("patchbay");
        String replica = p.get("control.replica").asString().get();
        return new ControlConfig(
                p.get("control.server.host").asString().get(),
                p.get("control.server.port").asInt().get(),
                Arrays.stream(p.get("control.media.nodes").asString().get().split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList(),
                p.get("cluster.token").asString().get(),
                replica.isEmpty() ? ManagementFactory.getRuntimeMXBean().getName() : replica,
                p.get("control.bridge.lease").as(Duration.class).get(),
                p.get("control.bridge.connect-timeout").as(Duration.class).get(),
                p.get("control.bridge.reconnect-grace").as(Duration.class).get(),
                ConfigDurations.require(root, "patchbay.control.webhook.timeout"),
                new NodeDiscovery.Settings(
                        ConfigDurations.require(root, "patchbay.control.media.poll"),
                        ConfigDurations.require(root, "patchbay.control.media.lapse"),
                        ConfigDurations.require(root, "patchbay.control.media.lost-claim")),
                p.get("local").asBoolean().get(),
                Path.of(p.get("var").asString().get()));
    }

    public ControlConfig withHost(String host) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withPort(int port) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withMediaNodes(List<String> mediaNodes) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withClusterToken(String clusterToken) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withReplica(String replica) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withBridgeLease(Duration bridgeLease) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withConnectTimeout(Duration connectTimeout) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withReconnectGrace(Duration reconnectGrace) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withWebhookTimeout(Duration webhookTimeout) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withDiscovery(NodeDiscovery.Settings discovery) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withLocal(boolean local) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }

    public ControlConfig withVar(Path var) {
        return new ControlConfig(host, port, mediaNodes, clusterToken, replica, bridgeLease, connectTimeout,
                reconnectGrace, webhookTimeout, discovery, local, var);
    }
}
