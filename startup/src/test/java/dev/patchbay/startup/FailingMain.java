package dev.patchbay.startup;

import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/** A stand-in process for {@link StartupTest}: fails at start-up in the way its argument names. */
public final class FailingMain {

    private FailingMain() {
    }

    public static void main(String[] args) {
        Startup.run(FailingMain.class, "stand-in", () -> {
            switch (args[0]) {
                case "bad-setting" -> Settings.read(() -> Config.just(ConfigSources.create(Map.of("patchbay.call.max", "lots")))
                        .get("patchbay.call.max").asInt().get());
                case "rejected-setting" -> Settings.read(() -> {
                    throw new IllegalArgumentException("patchbay.rtp.port.min/max must span at least 2 ports, got 7-7");
                });
                case "multi-line" -> throw new StartupException("stand-in cannot start:\nfirst\n  second");
                case "bug" -> throw new IllegalStateException("a bug", new ArithmeticException("the cause"));
                case "load" -> System.out.println("patchbay.call.max=" + Settings.load(
                        ConfigSources.create(Map.of("patchbay.call.max", "1")).build()).get("patchbay.call.max").asInt().get());
                default -> throw new IllegalArgumentException(args[0]);
            }
        });
    }
}
