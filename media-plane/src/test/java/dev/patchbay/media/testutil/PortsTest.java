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
    void rtpBlocksStayInTheirRangeAreEvenAndNeverOverlap() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            int size = i % 2 == 0 ? 2 : 100;
            int base = Ports.rtpBase(size);
            assertEquals(0, base % 2, "RTP on even ports: " + base);
            assertTrue(Ports.RTP.contains(base) && Ports.RTP.contains(base + size - 1), "block at " + base);
            for (int port = base; port < base + Math.max(size, 4); port++) {
                assertTrue(seen.add(port), "port " + port + " in two blocks");
            }
        }
    }

    @Test
    void anRtpBlockWithABoundPortIsPassedOver() throws Exception {
        int base = Ports.rtpBase(4);
        // The next block follows this one unless it wraps; bind its first port and see it skipped.
        try (java.net.DatagramSocket busy = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", base + 4))) {
            int next = Ports.rtpBase(4);
            assertTrue(next != base + 4, "the block at the bound port " + (base + 4) + " was handed out");
        }
    }
}
