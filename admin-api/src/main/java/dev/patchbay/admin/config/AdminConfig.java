package dev.patchbay.admin.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import dev.patchbay.startup.Settings;
import dev.patchbay.startup.ShippedDefaults;
import dev.patchbay.startup.StartupException;
import io.helidon.config.Config;

/**
 * admin-api settings, read once from {@code patchbay.*}; the defaults live only in application.yaml.
 *
 * @param host     HTTP bind address ({@code patchbay.admin.server.host})
 * @param port     HTTP port, 0 for any free one ({@code patchbay.admin.server.port})
 * @param key      operator bearer key; empty means "generate one" in local mode ({@code patchbay.admin.key})
 * @param local    local single-machine mode ({@code patchbay.local})
 * @param var      local state directory ({@code patchbay.var})
 * @param demoSeed seed the demo workspace in local mode ({@code patchbay.demo.seed})
 * @param keyOverlap how long a rotated key keeps working by default ({@code patchbay.admin.keys.overlap})
 * @param clusterToken the media-plane's gRPC token, for hang-up and drain ({@code patchbay.cluster.token})
 */
public record AdminConfig(String host, int port, String key, boolean local, Path var, boolean demoSeed,
                          Duration keyOverlap, String clusterToken) {

    /** The shipped application.yaml alone, without environment or system properties. */
    public static AdminConfig defaults() {
        return from(ShippedDefaults.root(AdminConfig.class));
    }

    /**
     * Reads every setting; defaults live only in application.yaml. Run it under {@link Settings#read} for
     * a one-line start-up error.
     */
    public static AdminConfig from(Config root) {
        Config p = root.get("patchbay");
        int port = p.get("admin.server.port").asInt().get();
        if (port < 0 || port > 65535) {
            throw new StartupException("patchbay.admin.server.port is " + port
                    + ": set it (env PATCHBAY_ADMIN_SERVER_PORT) to a port between 0 and 65535");
        }
        return new AdminConfig(
                p.get("admin.server.host").asString().get(),
                port,
                p.get("admin.key").asString().get().strip(),
                p.get("local").asBoolean().get(),
                Path.of(p.get("var").asString().get()),
                p.get("demo.seed").asBoolean().get(),
                overlap(p.get("admin.keys.overlap").asString().get()),
                p.get("cluster.token").asString().get().strip());
    }

    private static Duration overlap(String text) {
        try {
            Duration d = Duration.parse(text.strip());
            if (!d.isNegative() && d.compareTo(Duration.ofDays(30)) <= 0) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // Reported below with the remedy.
        }
        throw new StartupException("patchbay.admin.keys.overlap is '" + text + "': set it (env PATCHBAY_ADMIN_KEYS_OVERLAP)"
                + " to an ISO-8601 duration from PT0S to P30D, e.g. PT24H");
    }

    /** The environment variable that sets a key, by Helidon's FOO_BAR -> foo.bar rule. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    // The generated toString would print the operator key into any log line that prints the config.
    @Override
    public String toString() {
        return "AdminConfig[host=" + host + ", port=" + port + ", key=" + (key.isEmpty() ? "<empty>" : "<set>")
                + ", local=" + local + ", var=" + var + ", demoSeed=" + demoSeed + ", keyOverlap=" + keyOverlap + ", clusterToken=" + (clusterToken.isEmpty() ? "<empty>" : "<set>") + "]";
    }

    public AdminConfig withHost(String host) {
        return new AdminConfig(host, port, key, local, var, demoSeed, keyOverlap, clusterToken);
    }

    public AdminConfig withPort(int port) {
        return new AdminConfig(host, port, key, local, var, demoSeed, keyOverlap, clusterToken);
    }

    public AdminConfig withKey(String key) {
        return new AdminConfig(host, port, key, local, var, demoSeed, keyOverlap, clusterToken);
    }

    public AdminConfig withLocal(boolean local) {
        return new AdminConfig(host, port, key, local, var, demoSeed, keyOverlap, clusterToken);
    }

    public AdminConfig withVar(Path var) {
        return new AdminConfig(host, port, key, local, var, demoSeed, keyOverlap, clusterToken);
    }

    public AdminConfig withDemoSeed(boolean demoSeed) {
        return new AdminConfig(host, port, key, local, var, demoSeed, keyOverlap, clusterToken);
    }

    public AdminConfig withKeyOverlap(Duration keyOverlap) {
        return new AdminConfig(host, port, key, local, var, demoSeed, keyOverlap, clusterToken);
    }
}
