package dev.patchbay.media.testutil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PortsTest {

    @Test
    void portsAreNeverHandedOutTwiceAndStayInTheWindow() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            int port = Ports.freeUdpAndTcp();
            assertTrue(seen.add(port), "port " + port + " handed out twice");
            assertTrue(Ports.window().contains(port), port + " outside " + Ports.window());
            assertFalse(Ports.RTP.contains(port), port + " is in the tests' RTP range");
        }
    }

    @Test
    void theWindowAvoidsTheEphemeralRange() {
        assertEquals(new Ports.Range(61000, 65535), Ports.window(new Ports.Range(32768, 60999)), "Linux default");
        assertEquals(new Ports.Range(10000, 19999), Ports.window(new Ports.Range(49152, 65535)), "IANA, macOS");
        assertEquals(new Ports.Range(63001, 65535), Ports.window(new Ports.Range(32768, 63000)), "what is left above");
        assertThrows(IllegalStateException.class, () -> Ports.window(new Ports.Range(1024, 65535)));
    }

    @Test
    void linuxEphemeralRangeIsReadWhereThereIsOne() {
        assumeTrue(Files.isReadable(Path.of("/proc/sys/net/ipv4/ip_local_port_range")), "not Linux");
        Ports.Range ephemeral = Ports.linuxEphemeral();
        assertTrue(ephemeral.first() >= 1024 && ephemeral.first() < ephemeral.last() && ephemeral.last() <= 65535,
                ephemeral.toString());
        assertEquals(Ports.window(ephemeral), Ports.window(), "the window in use avoids the real ephemeral range");
    }

    @Test
    void rtpBlocksStayInTheirRange() {
        for (int i = 0; i < 1000; i++) {
            int base = Ports.rtpBase(200);
            assertTrue(Ports.RTP.contains(base) && Ports.RTP.contains(base + 199), "block at " + base);
        }
    }
}
