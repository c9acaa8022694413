package dev.patchbay.startup;

import java.nio.file.Path;
import java.util.Map;

import dev.patchbay.startup.testing.ChildJvm;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convention itself, in real processes: exit 2 with one line, or exit 1 with the stack once. */
class StartupTest {

    @TempDir
    Path dir;

    @Test
    void settingThatDoesNotParseIsOneLineWithKeyValueAndRemedyAndExit2() throws Exception {
        ChildJvm run = ChildJvm.run(FailingMain.class, Map.of(), dir, "bad-setting");
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        String line = run.singleFailureLine();
        assertTrue(line.endsWith("SEVERE  dev.patchbay.startup.FailingMain: stand-in cannot start: patchbay.call.max is 'lots':"
                + " set it (env PATCHBAY_CALL_MAX) to a whole number"), line);
    }

    @Test
    void settingThatItsRecordRejectsGetsWhereToChangeIt() throws Exception {
        ChildJvm run = ChildJvm.run(FailingMain.class, Map.of(), dir, "rejected-setting");
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        assertTrue(run.singleFailureLine().endsWith("got 7-7; set patchbay.rtp.port.min (env PATCHBAY_RTP_PORT_MIN) in the"
                + " environment or in the PATCHBAY_CONFIG file"), run::toString);
    }

    @Test
    void messageOverSeveralLinesIsPrintedAsOne() throws Exception {
        ChildJvm run = ChildJvm.run(FailingMain.class, Map.of(), dir, "multi-line");
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        assertTrue(run.singleFailureLine().endsWith(": stand-in cannot start: first second"), run::toString);
    }

    @Test
    void configFileThatCannotBeReadIsABadSetting() throws Exception {
        Path absent = dir.resolve("absent.yaml");
        ChildJvm run = ChildJvm.run(FailingMain.class, Map.of("PATCHBAY_CONFIG", absent.toString()), dir, "load");
        assertEquals(Startup.BAD_SETTING, run.exit(), run::toString);
        assertTrue(run.singleFailureLine().endsWith("stand-in cannot start: PATCHBAY_CONFIG is '" + absent
                + "', which is not a readable file: point it at a YAML file of patchbay.* settings, or unset it"), run::toString);
    }

    @Test
    void configFileOverridesTheDefaults() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("patchbay.yaml"), "patchbay:\n  call:\n    max: 7\n");
        ChildJvm run = ChildJvm.run(FailingMain.class, Map.of("PATCHBAY_CONFIG", file.toString()), dir, "load");
        assertEquals(0, run.exit(), run::toString);
        assertEquals(java.util.List.of("patchbay.call.max=7"), run.stdout());
    }

    @Test
    void unexpectedFailurePrintsTheStackOnceAndExits1() throws Exception {
        ChildJvm run = ChildJvm.run(FailingMain.class, Map.of(), dir, "bug");
        assertEquals(Startup.UNEXPECTED, run.exit(), run::toString);
        assertEquals(1, run.stderr().stream().filter(l -> l.startsWith("java.lang.IllegalStateException: a bug")).count(), run::toString);
        assertEquals(1, run.stderr().stream().filter(l -> l.startsWith("Caused by: java.lang.ArithmeticException: the cause")).count(),
                run::toString);
        assertTrue(run.stderr().stream().anyMatch(l -> l.endsWith("SEVERE  dev.patchbay.startup.FailingMain: stand-in failed to start")),
                run::toString);
    }

    @Test
    void envNameFollowsHelidonsDashRule() {
        assertEquals("PATCHBAY_SIP_MAX_DASH_MESSAGE_DASH_SIZE_UDP", Settings.envName("patchbay.sip.max-message-size.udp"));
        assertEquals("PATCHBAY_SIP_PORT", Settings.envName("patchbay.sip.port"));
    }

    @Test
    void durationThatDoesNotParseSaysWhatADurationLooksLike() {
        Config config = Config.just(ConfigSources.create(Map.of("patchbay.shutdown.drain", "10 seconds")));
        StartupException e = assertThrows(StartupException.class,
                () -> Settings.read(() -> config.get("patchbay.shutdown.drain").as(java.time.Duration.class).get()));
        assertEquals("patchbay.shutdown.drain is '10 seconds': set it (env PATCHBAY_SHUTDOWN_DRAIN) to an ISO-8601 duration"
                + " such as PT10S", e.getMessage());
    }
}
