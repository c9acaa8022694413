package dev.patchbay.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kamailio as written, run by the real Kamailio before two stand-in media hosts on loopback,
 * with real SIPp calling through it: OPTIONS probing takes a host that answers 503 out and puts it
 * back, INVITEs spread over the active hosts, a 503 to an INVITE fails over, in-dialog requests
 * follow the Record-Route.
 */
class KamailioFrontTest {

    static final Repo REPO = Repo.current();
    static final String CFG = "deploy/kamailio/kamailio.cfg";

    @Test
    void theShippedConfigPassesKamailiosCheck() throws Exception {
        assumeTrue(Processes.onPath("kamailio"), "kamailio is not installed (./patchbay test installs it)");
        Processes.Result r = Processes.run(REPO.root(), 60, List.of("kamailio", "-c", "-f", REPO.path(CFG).toString()));
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        assertTrue((r.stdout() + r.stderr()).contains("config file ok"), r.stdout() + r.stderr());
    }

    @Test
    void probingAndFailoverSteerCallsAwayFromADrainingHost(@TempDir Path dir) throws Exception {
        assumeTrue(Processes.onPath("kamailio"), "kamailio is not installed (./patchbay test installs it)");
        try (SipHostStub a = new SipHostStub("media-a"); SipHostStub b = new SipHostStub("media-b")) {
            Path list = dir.resolve("dispatcher.list");
            Files.writeString(list, "1 sip:127.0.0.1:" + a.port() + ";transport=udp 0 0 name=media-a\n"
                    + "1 sip:127.0.0.1:" + b.port() + ";transport=udp 0 0 name=media-b\n");
            int front = Ports.freeUdpAndTcp();
            Path runtime = Files.createDirectories(dir.resolve("run"));
            Process kamailio = new ProcessBuilder("kamailio", "-DD", "-E", "-f", REPO.path(CFG).toString(),
                    "-A", "SIP_LISTEN=udp:127.0.0.1:" + front, "-A", "DISPATCHER_LIST=\"" + list + "\"",
                    "-A", "PING_INTERVAL=1", "-A", "CTL_SOCKET=\"unix:" + runtime.resolve("ctl") + "\"", "-Y", runtime.toString(), "-P", runtime.resolve("kamailio.pid").toString(),
                    "-w", runtime.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("kamailio.log").toFile()).start();
            try {
                Await.until(() -> a.options.get() >= 2 && b.options.get() >= 2, Duration.ofSeconds(20),
                        "the front probing both hosts with OPTIONS; log: " + dir.resolve("kamailio.log"));

                // Both active: calls go to both.
                calls(dir, front, 10);
                assertEquals(10, a.answered.get() + b.answered.get());
                assertTrue(a.answered.get() >= 3 && b.answered.get() >= 3, "spread: a " + a.answered + ", b " + b.answered);

                // B drains: its OPTIONS get 503; after two such probes, and one more to be sure the
                // second answer was processed, no new call reaches it.
                b.refuseOptions = true;
                int seen = b.options.get();
                Await.until(() -> b.options.get() >= seen + 3, Duration.ofSeconds(20), "three probes of the draining host");
                String states = kamcmd(runtime, "dispatcher.list");
                assertTrue(flags(states, b.port()).startsWith("I"), "B not inactive: " + states);
                assertEquals("AP", flags(states, a.port()), states);
                int bInvites = b.invites.get();
                int aAnswered = a.answered.get();
                calls(dir, front, 10);
                assertEquals(bInvites, b.invites.get(), "the draining host got INVITEs");
                assertEquals(aAnswered + 10, a.answered.get());

                // B back: two good probes make it active again.
                b.refuseOptions = false;
                int back = b.options.get();
                Await.until(() -> b.options.get() >= back + 3, Duration.ofSeconds(20), "three probes of the returning host");
                // B refuses INVITEs before a probe noticed (a drain that began a moment ago): the
                // front fails over to A and every call still completes.
                b.refuseInvites = true;
                int refusedBefore = b.invites.get();
                aAnswered = a.answered.get();
                calls(dir, front, 10);
                assertTrue(b.invites.get() > refusedBefore, "round-robin never tried B");
                assertEquals(aAnswered + 10, a.answered.get(), "every call failed over to A");
            } finally {
                kamailio.destroy();
                if (!kamailio.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    kamailio.destroyForcibly();
                }
            }
        }
    }

    /** The dispatcher FLAGS of the host on this port in `kamcmd dispatcher.list` (A active, I inactive, P probing). */
    private static String flags(String list, int port) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("URI: sip:127\\.0\\.0\\.1:" + port + "\\S*\\s+FLAGS: (\\w+)").matcher(list);
        assertTrue(m.find(), "no host on port " + port + " in " + list);
        return m.group(1);
    }

    private static String kamcmd(Path runtime, String command) throws Exception {
        Processes.Result r = Processes.run(runtime, 30, List.of("kamcmd", "-s", "unix:" + runtime.resolve("ctl"), command));
        assertEquals(0, r.exit(), r.stderr());
        return r.stdout();
    }

    /** n calls through the front with SIPp; all must complete. */
    private static void calls(Path dir, int front, int n) throws Exception {
        Path work = Files.createTempDirectory(dir, "sipp");
        Path scenario = Path.of(KamailioFrontTest.class.getResource("/front-uac.xml").toURI());
        Sipp.Result r = Sipp.run(work, List.of("-sf", scenario.toString(), "127.0.0.1:" + front, "-s", "echo",
                "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()), "-m", Integer.toString(n), "-r", "20", "-l", "5"));
        assertTrue(r.succeeded(), r.output());
    }
}
