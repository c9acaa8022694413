package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SetupRateTest {

    @Test
    void readsSippRttLinesInMicrosecondsAndSkipsTheHeader() {
        assertNull(SetupRate.rttMicros("Date_ms;response_time_ms;rtd_no"));
        assertEquals(16_250, SetupRate.rttMicros("1763712934062.123000;16.250000;1"));
    }

    @Test
    void cpuModelIsTheFirstModelNameLine() {
        assertEquals("unknown", Machine.cpuModel("processor\t: 0\n"));
        assertEquals("AMD EPYC", Machine.cpuModel("processor\t: 0\nmodel name\t: AMD EPYC\n"));
    }
}
