package dev.patchbay.admin.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import io.helidon.config.Config;
import dev.patchbay.startup.Settings;
import dev.patchbay.startup.StartupException;

/**
 * admin-api settings, read once from {@code patchbay.*}; the defaults live in application.yaml.
 *
 * @param host     HTTP bind address ({@code patchbay.admin.server.host})
 * @param port     HTTP port, 0 for any free one ({@code patchbay.admin.server.port})
 * @param key      operator bearer key; empty means "generate one" in local mode ({@code patchbay.admin.key})
 * @param local    local single-machine mode ({@code patchbay.local})
 * @param var      local state directory ({@code patchbay.var})
 * @param demoSeed seed the demo workspace in local mode ({@code patchbay.demo.seed})
 * @param keyOverlap how long a rotated key keeps working by default ({@code patchbay.admin.keys.overlap})
 */
public record AdminConfig(String host, int port, String key, boolean local, Path var, boolean demoSeed,
                          Duration keyOverlap) {

    public static AdminConfig from(Config root) throws StartupException {
        Config p = root.get("patchbay");
        try {
            int port = p.get("admin.server.port").asInt().orElse(8081);
            if (port < 0 || port > 65535) {
                throw new StartupException("patchbay.admin.server.port is " + port
                        + ": set it (env PATCHBAY_ADMIN_SERVER_PORT) to a port between 0 and 65535");
            }
            return new AdminConfig(
                    p.get("admin.server.host").asString().orElse("0.0.0.0"),
                    port,
                    p.get("admin.key").asString().orElse("").strip(),
                    p.get("local").asBoolean().orElse(true),
                    Path.of(p.get("var").asString().orElse("var")),
                    p.get("demo.seed").asBoolean().orElse(true),
                    overlap(p.get("admin.keys.overlap").asString().orElse("PT24H")));
        } catch (io.helidon.common.config.ConfigException e) {
            throw Settings.explain(e);
        }
    }

    private static Duration overlap(String text) throws StartupException {
        try {
            Duration d = Duration.parse(text.strip());
            if (!d.isNegative() && d.compareTo(Duration.ofDays(30)) <= 0) {
                return d;
            }
        } catch (java.time.format.DateTimeParseException e) {
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
                + ", local=" + local + ", var=" + var + ", demoSeed=" + demoSeed + ", keyOverlap=" + keyOverlap + "]";
    }
}
