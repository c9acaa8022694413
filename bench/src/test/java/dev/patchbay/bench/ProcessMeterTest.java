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
    void heapSumsEveryGenerationButNotMetaspace() {
        String g1 = """
                31281:
                 garbage-first heap   total reserved 6172672K, committed 360448K, used 269168K [0x0000000687400000, 0x0000000800000000)
                  region size 4096K, 48 young (196608K), 4 survivors (16384K)
                 Metaspace       used 41234K, committed 41792K, reserved 1114112K
                  class space    used 5012K, committed 5248K, reserved 1048576K
                """;
        assertEquals(269168, ProcessMeter.heapUsedKb(g1));
        String serial = """
                 def new generation   total 4928K, used 1000K [0x00000000f0000000, 0x00000000f0550000, 0x00000000f5550000)
                 tenured generation   total 10944K, used 2000K [0x00000000f5550000, 0x00000000f6000000, 0x0000000100000000)
                """;
        assertEquals(3000, ProcessMeter.heapUsedKb(serial));
        assertEquals(-1, ProcessMeter.heapUsedKb(" ZHeap           used 80M, capacity 512M, max capacity 6144M\n"
                + " Metaspace       used 30000K, committed 30400K, reserved 1114112K\n"), "ZGC's format: unknown, not 0");
    }
}
