package dev.patchbay.e2e;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.LogWatch;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.VoicedRtp;
import dev.patchbay.schema.testing.TestDb;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control-plane is killed with SIGKILL in the middle of a call and started again: the call's
 * media keeps flowing on the media-plane, and the new process re-attaches the bot from the state
 * in PostgreSQL. The caller notices a gap in the bot's audio and nothing else.
 */
class ControlPlaneRestartE2eTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aCallSurvivesTheControlPlaneBeingKilledAndRestarted() throws Exception {
        try (Gateway gw = new Gateway(Map.of())) {
            gw.closeControl(); // this test runs the control-plane as its own process
            gw.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_r', 'R', TRUE, CURRENT_TIMESTAMP)",
                    "INSERT INTO bots (id, workspace_id, name, kind, created_at) VALUES ('bot_r', 'ws_r', 'Echo', 'echo', CURRENT_TIMESTAMP)",
                    "INSERT INTO dids (id, workspace_id, number, bot_id, created_at) VALUES ('did_r', 'ws_r', 'echo', 'bot_r', CURRENT_TIMESTAMP)");
            Map<String, String> props = Map.of(
                    "patchbay.db.connection.url", gw.db.url(),
                    "patchbay.db.connection.username", TestDb.USER,
                    "patchbay.db.connection.password", TestDb.PASSWORD,
                    "patchbay.var", gw.var.toString(),
                    "patchbay.secrets.key", Gateway.SECRETS_KEY,
                    "patchbay.control.server.host", "127.0.0.1",
                    "patchbay.control.media.nodes", "127.0.0.1:" + gw.media.grpcPort(),
                    // A new pod gets a new name; it must wait for the dead one's lease to lapse.
                    "patchbay.control.bridge.lease", "PT3S");
            Path logs = Files.createTempDirectory("patchbay-cp");
            ControlPlaneProcess first = ControlPlaneProcess.start(withReplica(props, "cp-a"), Ports.freeUdpAndTcp(),
                    logs.resolve("first.log"));
            // Its channel is up before the media-plane has registered its Control stream: wait for that.
            Await.until(() -> gw.media.hub().connected() == 1, WAIT, "the first control-plane's Control stream");
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
            try (SipUdpClient sip = new SipUdpClient(gw.sipPort);
                 DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                sip.request("INVITE", "echo", 1, "r1", null, null, SipUdpClient.sdp(rtp.getLocalPort(), "0",
                        "a=rtpmap:0 PCMU/8000\r\n"));
                SipMessage ok = sip.finalResponseTo("1 INVITE", WAIT);
                assertEquals(200, ok.status(), ok.raw());
                String toTag = ok.header("To").replaceAll(".*;tag=", "");
                sip.request("ACK", "echo", 1, "r1ack", toTag, null, null);
                Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(ok.body());
                assertTrue(m.find(), ok.body());
                InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
                AtomicInteger seq = new AtomicInteger();
                pacer.scheduleAtFixedRate(() -> send(rtp, media, seq.getAndIncrement()), 0, 20, TimeUnit.MILLISECONDS);

                VoicedRtp.receive(rtp, 10, 5000); // the echo bot answers through the first process
                String callId = gw.media.calls().active().get(0).id();
                try (LogWatch log = LogWatch.on(CallManager.class)) {
                    first.kill();
                    log.await(line -> line.startsWith("call " + callId + ": ") && line.contains("waiting"), WAIT,
                            "the media-plane to notice the broken bot stream");
                }
                assertTrue(gw.media.calls().byId(callId).isPresent(), "the call outlives its control-plane");

                try (ControlPlaneProcess second = ControlPlaneProcess.start(withReplica(props, "cp-b"),
                        Ports.freeUdpAndTcp(), logs.resolve("second.log"))) {
                    drain(rtp);
                    VoicedRtp.receive(rtp, 10, 10_000); // the echo is back: re-attached by the new process
                    sip.request("BYE", "echo", 2, "r1bye", toTag, null, null);
                    assertEquals(200, sip.finalResponseTo("2 BYE", WAIT).status());
                    Await.until(() -> gw.eventTypes(callId).contains("completed"), WAIT, "the call record to be completed");
                    List<String> events = gw.eventTypes(callId);
                    assertTrue(events.contains("bridge-adopted"), events.toString());
                    assertEquals("completed", events.get(events.size() - 1), events.toString());
                }
            } finally {
                pacer.shutdownNow();
                first.close();
            }
        }
    }

    private static Map<String, String> withReplica(Map<String, String> props, String name) {
        Map<String, String> all = new java.util.HashMap<>(props);
        all.put("patchbay.control.replica", name);
        return all;
    }

    /** Voiced 20 ms PCMU: the echo of it is told apart from the silence played while no bot is attached. */
    private static void send(DatagramSocket rtp, InetSocketAddress to, int p) {
        byte[] voiced = new byte[160];
        for (int i = 0; i < voiced.length; i++) {
            voiced[i] = (byte) (0x20 + (i & 0x3F));
        }
        byte[] packet = dev.patchbay.media.testutil.RtpPackets.pcmu(p, 0x21, voiced);
        try {
            rtp.send(new DatagramPacket(packet, packet.length, to));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Discards what arrived while the bot was away, so the next voiced frames are the new echo. */
    private static void drain(DatagramSocket rtp) throws java.io.IOException {
        rtp.setSoTimeout(1);
        byte[] buf = new byte[2048];
        try {
            while (true) {
                rtp.receive(new DatagramPacket(buf, buf.length));
            }
        } catch (java.net.SocketTimeoutException done) {
            // nothing more queued
        }
    }
}
