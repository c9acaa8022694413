package dev.patchbay.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.loop.MediaStats;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Late offer against a real user agent: linphonec (Debian linphone-cli) with {@code [sip] sdp_200_ack=1} sends
 * its INVITE without SDP, takes Patchbay's offer from the 200 OK and answers in the ACK. It plays a tone into
 * the call from a WAV file and records what comes back, which must be its own tone, echoed by the echo bot.
 * (baresip cannot be set to send an INVITE without SDP, so linphonec is the user agent here.)
 */
class LinphoneLateOfferE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void linphonecWithSdp200AckCallsTheEchoBotAndHearsItsToneBack() throws Exception {
        try (Gateway gw = new Gateway(Map.of())) {
            gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_lin', 'Linphone', TRUE, CURRENT_TIMESTAMP)",
                    "INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_lin', 'ws_lin', 'Echo', 'echo', CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_lin', 'ws_lin', 'echo', 'bot_lin', CURRENT_TIMESTAMP)");
            gw.awaitConnected(WAIT);
            Path dir = Files.createTempDirectory("patchbay-linphone");
            Path tone = Files.write(dir.resolve("tone.wav"), Baresip.toneWav(440, 6));
            Path heard = dir.resolve("heard.wav");
            int sipPort = Ports.freeUdpAndTcp();
            // The bind addresses keep linphonec's SIP and SDP on loopback; without them its SDP names the host's
            // own interface address.
            Files.writeString(dir.resolve("linphonerc"), "[sip]\nsdp_200_ack=1\nuse_ipv6=0\nbind_address=127.0.0.1\nsip_tcp_port=0\nsip_tls_port=0\n"
                    + "[rtp]\nbind_address=127.0.0.1\naudio_rtp_port=" + Ports.rtpBase(2) + "\n[sound]\necho_cancellation=0\n");
            Process ua = new ProcessBuilder("linphonec", "-d", "6", "-c", dir.resolve("linphonerc").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("linphonec.log").toFile()).start();
            try (OutputStream commands = ua.getOutputStream(); AutoCloseable stop = () -> stop(ua)) {
                // The SIP port from the file is not bound at start-up by linphonec 5.1; 'ports sip' binds it.
                // linphonec 5.1 binds no SIP port at start-up here, and 'ports sip' to the port its config already
                // names is a no-op; so the config names none, and the port is set once the prompt is up.
                await(dir, () -> log(dir).contains("video is disabled in linphonec"), "linphonec to start");
                send(commands, "ipv6 disable", "ports sip " + sipPort);
                await(dir, () -> log(dir).contains("Creating listening point"), "linphonec to bind its SIP port");
                send(commands, "soundcard use files", "play " + tone, "record " + heard, "call sip:echo@127.0.0.1:" + gw.sipPort);
                AtomicReference<Call> seen = new AtomicReference<>();
                await(dir, () -> confirmed(gw, seen), "linphonec's late-offer call to be answered and its ACK's answer taken");
                Call call = seen.get();
                await(dir, () -> stats(call).packetsReceived() >= 150, "3 s of linphonec's RTP to arrive");
                MediaStats live = stats(call);
                assertTrue(live.packetsSent() > 100, "the echo went back to linphonec: " + live);
                // linphonec sends STUN keep-alives to the RTP port; those are dropped, nothing else may be.
                long stun = log(dir).lines().filter(l -> l.contains("Stun packet of length 20 sent on rtp ")).count();
                assertTrue(live.packetsDropped() <= stun, "packets dropped beyond linphonec's " + stun + " STUN: " + live);
                send(commands, "terminate", "quit");
            }
            assertTrue(ua.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "linphonec quits; log:\n" + log(dir));
            String log = log(dir).replace("\r", "");
            int invite = log.indexOf("INVITE sip:echo@127.0.0.1:" + gw.sipPort + " SIP/2.0");
            assertTrue(invite >= 0, "linphonec sent the INVITE: " + tail(log));
            String inviteHead = log.substring(invite, log.indexOf("\n\n", invite) < 0 ? log.length() : log.indexOf("\n\n", invite));
            assertTrue(inviteHead.contains("\nContent-Length: 0") && !inviteHead.contains("application/sdp"),
                    "linphonec's INVITE had no SDP (late offer): " + inviteHead);
            assertTrue(log.contains("m=audio") && log.contains("RTP/AVP 0 8 101"), "Patchbay's offer in the 200 OK: " + tail(log));
            int ack = log.indexOf("ACK sip:");
            assertTrue(ack > invite && log.indexOf("\nContent-Type: application/sdp", ack) > ack
                    && log.indexOf("c=IN IP4 127.0.0.1", ack) > ack, "linphonec answered in its ACK: " + tail(log));
            assertTrue(BaresipTlsE2eTest.loudSamples(heard) > 8000, "linphonec heard its own tone back (>1 s of it): " + heard);

            String callId = gw.sqlValue("SELECT id FROM calls WHERE workspace_id = 'ws_lin'");
            Await.until(() -> gw.eventTypes(callId).contains("completed"), WAIT, "the call record to complete: "
                    + gw.eventTypes(callId));
            assertEquals("caller_bye", gw.sqlValue("SELECT hangup_cause FROM calls WHERE id = '" + callId + "'"));
            List<String> events = gw.eventTypes(callId);
            assertTrue(events.contains("in-progress"), "answered: " + events);
        }
    }

    private static void stop(Process ua) throws InterruptedException {
        if (ua.isAlive() && !ua.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            ua.destroyForcibly();
        }
    }

    private static void send(OutputStream commands, String... lines) throws IOException {
        for (String line : lines) {
            commands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        commands.flush();
    }

    private static void await(Path dir, java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        try {
            Await.until(condition, WAIT, what);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; linphonec log:\n" + tail(log(dir)), e);
        }
    }

    private static boolean confirmed(Gateway gw, AtomicReference<Call> seen) {
        for (Call c : gw.media.calls().active()) {
            if (c.state() instanceof CallState.Confirmed && c.media() != null) {
                seen.set(c);
                return true;
            }
        }
        return false;
    }

    private static MediaStats stats(Call call) {
        return call.media().snapshot().join();
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("linphonec.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** linphonec's debug log is long; its SIP messages near the end say what happened. */
    private static String tail(String log) {
        return log.length() > 20_000 ? log.substring(log.length() - 20_000) : log;
    }
}
