package dev.patchbay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProcessMeterTest {

    /** A real /proc/<pid>/stat line, with a command name that holds spaces and a parenthesis. */
    private static final String STAT = "31281 (java) x) S 31000 31281 22221 0 -1 4194560 51012 0 12 0 1234 567 0 0 20 0 "
            + "45 0 391185 4133440000 39381 18446744073709551615 1 1 0 0 0 0 0 4096 16796879 0 0 0 17 1 0 0 0 0 0";

    @Test
    void cpuTicksAreUtimePlusStimeCountedAfterTheCommandName() {
        assertEquals(1234 + 567, ProcessMeter.cpuTicks(STAT));
    }

    @Test
    void rssComesFromTheVmRssLine() {
        String status = "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  157696 kB\nRssAnon:\t 140000 kB\n";
        assertEquals(157696, ProcessMeter.rssKb(status));
        assertThrows(IllegalStateException.class, () -> ProcessMeter.rssKb("Name:\tjava\n"));
    }

    @Test
    void theLiveHeapIsTheHistogramsTotal() {
        String histogram = """
                3187:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         71368       10276408  [B (java.base@25)
                   2:         46320        1111680  java.lang.String (java.base@25)
                Total        351730       28488520
                """;
        assertEquals(28488520 / 1024, ProcessMeter.histogramLiveKb(histogram));
        assertEquals(-1, ProcessMeter.histogramLiveKb("3187:\ncom.sun.tools.attach.AttachNotSupportedException\n"),
                "no total: unknown, not 0");
    }
}
