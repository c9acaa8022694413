package dev.patchbay.startup;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.config.ConfigException;
import io.helidon.logging.common.LogConfig;

/**
 * The start-up convention of the three processes. A failure the operator fixes (a bad setting, a taken
 * port: a {@link StartupException}, or a value Helidon cannot map) is logged as ONE line naming the key,
 * the value and the remedy, and the process exits with status {@value #BAD_SETTING}. Anything else is a
 * bug: its stack is logged once and the process exits with status {@value #UNEXPECTED}.
 */
public final class Startup {

    public static final int BAD_SETTING = 2;
    public static final int UNEXPECTED = 1;

    /** What a Main does to start: read the settings, start the servers, install the shutdown hooks. */
    @FunctionalInterface
    public interface Body {
        void start() throws Exception;
    }

    private Startup() {
    }

    public static void run(Class<?> main, String process, Body body) {
        LogConfig.configureRuntime();
        Logger log = Logger.getLogger(main.getName());
        try {
            body.start();
        } catch (Throwable e) {
            StartupException known = find(e, StartupException.class);
            ConfigException config = find(e, ConfigException.class);
            if (known == null && config != null) {
                known = Settings.explain(config);
            }
            if (known != null) {
                String line = known.getMessage().strip().replaceAll("\\s*\\R\\s*", " "); // one line, whatever the cause wrote
                log.severe(line.startsWith(process) ? line : process + " cannot start: " + line);
                System.exit(BAD_SETTING);
            }
            log.log(Level.SEVERE, process + " failed to start", e);
            System.exit(UNEXPECTED);
        }
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
