package dev.patchbay.e2e;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;

/** The callers of the chaos runs: SIPp on loopback, calls set up at a slow rate, each held with speech flowing, then hung up. */
final class ChaosCaller {

    private ChaosCaller() {
    }

    /**
     * {@code calls} calls to "echo" at 127.0.0.1:{@code sipPort}, 2 a second, each held {@code hold} before its BYE.
     * 2/s: at 10/s on a two-core box under a load of 30, 48 of 50 set-ups met the route timeout (503).
     */
    static MultiHostRig.Sipp place(int sipPort, int calls, Duration hold) throws IOException, URISyntaxException {
        return place(sipPort, "echo", calls, hold);
    }

    /** The same to {@code number}. */
    static MultiHostRig.Sipp place(int sipPort, String number, int calls, Duration hold) throws IOException, URISyntaxException {
        Path work = MultiHostRig.sippWorkWithVoice();
        Path scenario = Path.of(ChaosCaller.class.getResource("/sipp/chaos-uac.xml").toURI());
        Process p = new ProcessBuilder(Sipp.binary(), "-sf", scenario.toString(), "127.0.0.1:" + sipPort, "-s", number,
                "-i", "127.0.0.1", "-p", Integer.toString(Ports.freeUdpAndTcp()), "-mi", "127.0.0.1",
                "-mp", Integer.toString(Ports.rtpBase(4 * calls)), "-m", Integer.toString(calls), "-l", Integer.toString(calls),
                "-r", "2", "-d", Long.toString(hold.toMillis()), "-nostdin", "-trace_err",
                "-error_file", work.resolve("errors.log").toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("sipp.out").toFile()).start();
        return new MultiHostRig.Sipp(p, work);
    }
}
