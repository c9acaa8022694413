package dev.patchbay.control.delivery;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped retry schedule and how each outcome is judged. */
class RetryPolicyTest {

    private static final RetryPolicy POLICY = new RetryPolicy(OutboxConfig.defaults());

    private static Config shipped(Map<String, String> overrides) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(overrides))
                .addSource(ConfigSources.file(Path.of("src/main/resources/application.yaml"))).build();
    }

    private static OutboundHttp.Outcome status(int code) {
        return new OutboundHttp.Outcome.Response(code, "", "", false, URI.create("https://example.com/cb"));
    }

    @Test
    void shippedConfigIsTheDocumentedSchedule() {
        assertEquals(new OutboxConfig(Duration.ofSeconds(1), 16, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofMinutes(10), 150, 6), OutboxConfig.defaults());
    }

    @Test
    void defaultScheduleKeepsTryingForAboutADay() {
        assertEquals(Duration.ofSeconds(1), POLICY.nominalBackoff(1));
        assertEquals(Duration.ofSeconds(2), POLICY.nominalBackoff(2));
        assertEquals(Duration.ofSeconds(512), POLICY.nominalBackoff(10));
        assertEquals(Duration.ofMinutes(10), POLICY.nominalBackoff(11));
        assertEquals(Duration.ofMinutes(10), POLICY.nominalBackoff(1000), "no overflow far out");
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt < OutboxConfig.defaults().maxAttempts(); attempt++) {
            total = total.plus(POLICY.nominalBackoff(attempt));
        }
        assertTrue(total.compareTo(Duration.ofHours(23)) > 0 && total.compareTo(Duration.ofHours(25)) < 0,
                "first to last attempt spans " + total);
        for (int i = 0; i < 200; i++) {
            long ms = POLICY.backoff(5).toMillis();
            assertTrue(ms >= 12_800 && ms <= 19_200, "16 s with at most 20% jitter: " + ms);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 408, 425, 429})
    void transientStatusesRetryUntilMaxAttempts(int code) {
        assertInstanceOf(RetryPolicy.Decision.RetryIn.class, POLICY.decide(status(code), 149));
        assertInstanceOf(RetryPolicy.Decision.Fail.class, POLICY.decide(status(code), 150));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 422, 304})
    void clientErrorsGetAShortChance(int code) {
        assertInstanceOf(RetryPolicy.Decision.RetryIn.class, POLICY.decide(status(code), 5));
        assertInstanceOf(RetryPolicy.Decision.Fail.class, POLICY.decide(status(code), 6));
    }

    @Test
    void goneAndSsrfRefusalAreFinalAtOnce() {
        assertInstanceOf(RetryPolicy.Decision.Fail.class, POLICY.decide(status(410), 1));
        assertInstanceOf(RetryPolicy.Decision.Fail.class, POLICY.decide(new OutboundHttp.Outcome.Refused("no"), 1));
        assertInstanceOf(RetryPolicy.Decision.Delivered.class, POLICY.decide(status(204), 1));
    }

    @Test
    void badSettingsNameTheirKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OutboxConfig.from(shipped(Map.of("patchbay.control.outbox.max-backoff", "forever"))));
        assertTrue(e.getMessage().contains("patchbay.control.outbox.max-backoff"), e.getMessage());
        e = assertThrows(IllegalStateException.class,
                () -> OutboxConfig.from(shipped(Map.of("patchbay.control.outbox.max-attempts", "0"))));
        assertTrue(e.getMessage().contains("patchbay.control.outbox.max-attempts"), e.getMessage());
        assertEquals(Duration.ofMillis(1500), ConfigDurations.parse("k", "1500ms"));
        assertEquals(Duration.ofSeconds(90), ConfigDurations.parse("k", "PT1M30S"));
    }
}
