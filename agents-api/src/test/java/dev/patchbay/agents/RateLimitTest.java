package dev.patchbay.agents;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static dev.patchbay.agents.AgentsRig.KEY_B;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Per-key hourly budgets: 429 with Retry-After to the next window, counted per key, reset by the hour. */
class RateLimitTest {

    private static AgentsRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of("patchbay.agents.requests-per-hour", "3"));
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    @Test
    void theFourthRequestOfTheHourIs429UntilTheNextHour() throws Exception {
        rig.now.set(java.time.Instant.parse("2026-02-05T12:59:15Z"));
        for (int i = 0; i < 3; i++) {
            AgentsRig.Answer ok = rig.call("GET", "/api/v1/sessions/sess_none", KEY_A, "agent-1", null);
            assertEquals(404, ok.status(), "within the budget the request is served");
            assertEquals(Integer.toString(2 - i), ok.headers().firstValue("X-RateLimit-Remaining").orElse(""));
        }
        AgentsRig.Answer limited = rig.call("GET", "/api/v1/sessions/sess_none", KEY_A, "agent-1", null);
        assertEquals(429, limited.status());
        assertEquals("45", limited.headers().firstValue("Retry-After").orElse(""), "seconds to 13:00");
        assertEquals("application/problem+json", limited.headers().firstValue("Content-Type").orElse(""));
        assertEquals(404, rig.call("GET", "/api/v1/sessions/sess_none", KEY_B, "agent-1", null).status(),
                "another key has its own budget");
        rig.now.set(rig.now.get().plus(Duration.ofSeconds(45)));
        assertEquals(404, rig.call("GET", "/api/v1/sessions/sess_none", KEY_A, "agent-1", null).status(),
                "a new hour, a new budget");
        assertEquals(401, rig.call("GET", "/api/v1/sessions/sess_none", "key_ws_a.wrong", "agent-1", null).status(),
                "bad credentials are refused before they count against anyone");
    }
}
