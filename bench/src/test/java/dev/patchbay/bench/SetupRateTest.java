package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class SetupRateTest {

    @Test
    void readsSippRttLinesInMicrosecondsAndSkipsTheHeader() {
        assertNull(SetupRate.rttMicros("Date_ms;response_time_ms;rtd_no"));
        assertEquals(16_250, SetupRate.rttMicros("1763712934062.123000;16.250000;1"));
    }

    @Test
    void countsUnexpectedResponsesInSippsErrorLogByStatus() {
        String log = "2026-12-07\t14:53:35.123456\t1765119215.123456: Aborting call on unexpected message for Call-Id"
                + " '1-42@127.0.0.1': while expecting '200' (index 2), received 'SIP/2.0 503 Service Unavailable\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5061\nReason: SIP;cause=503;text=\"no route decision within 10000 ms\"\n'.\n"
                // the 503's retransmission and a late 200 of the same call: still one failed call, by its 503
                + "... for Call-Id '1-42@127.0.0.1': while expecting '200' (index 2), received 'SIP/2.0 503 Service Unavailable\n'.\n"
                + "... for Call-Id '1-42@127.0.0.1': while expecting '200' (index 2), received 'SIP/2.0 200 OK\n'.\n"
                + "... for Call-Id '2-42@127.0.0.1': while expecting '200' (index 2), received 'SIP/2.0 503 Service Unavailable\n'.\n"
                + "... for Call-Id '3-42@127.0.0.1': while expecting '200' (index 2), received 'SIP/2.0 404 Not Found\n'.\n";
        assertEquals(Map.of(404, 1, 503, 2), SetupRate.statusCounts(log, new TreeMap<>()));
        assertEquals("503 x2", new SetupRate.Result(200, 10, 8, 1, 1, 2, 3, Map.of(503, 2), "1 1 1", false).failures());
        assertEquals("2.0x", SetupRate.ratio(20, 10));
        assertEquals("n/a", SetupRate.ratio(20, Double.NaN));
    }

    @Test
    void cpuModelIsTheFirstModelNameLine() {
        assertEquals("unknown", Machine.cpuModel("processor\t: 0\n"));
        assertEquals("AMD EPYC", Machine.cpuModel("processor\t: 0\nmodel name\t: AMD EPYC\n"));
    }
}
