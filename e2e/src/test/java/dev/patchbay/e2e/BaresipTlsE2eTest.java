package dev.patchbay.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.loop.MediaStats;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIP over TLS with SDES-keyed SRTP against a real user agent, baresip, which Debian's SIPp (no TLS)
 * cannot be. baresip calls the built-in echo bot, sends a tone for a few seconds and hangs up.
 */
class BaresipTlsE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void baresipCallsTheEchoBotOverTlsWithMandatorySrtp() throws Exception {
        try (Gateway gw = new Gateway(Map.of(), true)) {
            gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_bs', 'Baresip', TRUE, CURRENT_TIMESTAMP)",
                    "INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_bs', 'ws_bs', 'Echo', 'echo', CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_bs', 'ws_bs', 'echo', 'bot_bs', CURRENT_TIMESTAMP)");
            gw.awaitConnected(WAIT);
            Path tls = gw.var.resolve("tls");
            Path ca = Baresip.certificatePem(tls.resolve("sip.p12"), tls.resolve("sip.p12.password"),
                    Files.createTempFile("patchbay-ca", ".pem"));
            Baresip.Setup setup = Baresip.configure("alice", ";mediaenc=srtp-mand", ca, null, sipPortWithTlsAbove());
            AtomicReference<Call> seen = new AtomicReference<>();
            try (Baresip ua = Baresip.start(setup, 8, "/dial sip:echo@127.0.0.1:" + gw.tlsPort)) {
                await(ua, () -> confirmed(gw, seen), "baresip's call to be answered and ACKed");
                Call call = seen.get();
                assertNotNull(call.negotiated().srtp(), "SDES keys were negotiated; baresip log:\n" + ua.log());
                await(ua, () -> stats(call).packetsReceived() >= 100, "2 s of baresip's SRTP to be decrypted");
                MediaStats live = stats(call);
                assertTrue(live.packetsDropped() <= 2, "SRTP packets failing authentication or parsing: " + live);
                assertTrue(live.packetsSent() > 50, "the echo went back to baresip: " + live);
                assertTrue(ua.waitFor(WAIT), "baresip quits after -t 8; log:\n" + ua.log());

                String log = ua.log();
                assertTrue(log.contains("INVITE sip:echo@127.0.0.1:" + gw.tlsPort + ";transport=tls SIP/2.0"), log);
                assertTrue(log.contains("ACK sip:patchbay@127.0.0.1:" + gw.tlsPort + ";transport=tls SIP/2.0"),
                        "the ACK reached our TLS port through the Contact: " + log);
                assertTrue(log.contains("Via: SIP/2.0/TLS"), "baresip sent the INVITE over TLS: " + log);
                assertTrue(log.contains("RTP/SAVP") && log.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), log);
                assertTrue(log.contains("SRTP is Enabled"), "baresip accepted Patchbay's SDES answer: " + log);
                Path heard = ua.decoded();
                assertNotNull(heard, "baresip's sndfile dump of the decrypted echo: " + log);
                assertTrue(loudSamples(heard) > 8000, "baresip heard its own tone back (>1 s of it): " + heard);
            }
            String callId = gw.sqlValue("SELECT id FROM calls WHERE workspace_id = 'ws_bs'");
            Await.until(() -> gw.eventTypes(callId).contains("completed"), WAIT, "the call record to complete: "
                    + gw.eventTypes(callId));
            List<String> events = gw.eventTypes(callId);
            assertTrue(events.contains("in-progress"), "answered: " + events);
            assertEquals("completed", gw.sqlValue("SELECT status FROM calls WHERE id = '" + callId + "'"));
            assertEquals("caller_bye", gw.sqlValue("SELECT hangup_cause FROM calls WHERE id = '" + callId + "'"));
        }
    }

    /** Await.until, with baresip's log as it is at the timeout. */
    static void await(Baresip ua, java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        try {
            Await.until(condition, WAIT, what);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; baresip log:\n" + ua.log(), e);
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

    /** Samples of the 16-bit WAV louder than a quarter of the tone's amplitude. */
    static int loudSamples(Path wav) throws IOException {
        byte[] b = Files.readAllBytes(wav);
        int loud = 0;
        for (int i = 44; i + 1 < b.length; i += 2) {
            if (Math.abs((short) ((b[i] & 0xFF) | (b[i + 1] << 8))) > 4000) {
                loud++;
            }
        }
        return loud;
    }

    /** A SIP port for baresip whose next port is free on TCP too: baresip puts TLS there. */
    static int sipPortWithTlsAbove() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = Ports.freeUdpAndTcp();
            try (ServerSocket next = new ServerSocket()) {
                next.bind(new InetSocketAddress("127.0.0.1", port + 1));
                return port;
            } catch (IOException taken) {
                // another
            }
        }
        throw new IllegalStateException("no two adjacent free ports for baresip's SIP and SIP/TLS listeners");
    }
}
