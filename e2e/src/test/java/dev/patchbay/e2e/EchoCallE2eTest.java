package dev.patchbay.e2e;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.patchbay.admin.app.AdminApi;
import dev.patchbay.control.app.ControlPlane;
import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.dtmf.Rfc4733Receiver;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.OggOpus;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.media.testutil.VoicedRtp;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole gateway on loopback: admin-api and control-plane on real PostgreSQL, the media-plane
 * with its real SIP/RTP/gRPC sockets, and real SIPp calling in. The echo bot is the control-plane's
 * built-in one, attached over the gRPC Audio stream.
 */
class EchoCallE2eTest {

    private static TestDb db;
    private static AdminUnderTest admin;
    private static MediaPlane media;
    private static ControlPlane control;
    private static int sipPort;
    @BeforeAll
    static void start() throws Exception {
        db = new TestDb();
        Map<String, String> dbKeys = Map.of(
                "patchbay.db.connection.url", db.url(),
                "patchbay.db.connection.username", TestDb.USER,
                "patchbay.db.connection.password", TestDb.PASSWORD);
        admin = AdminUnderTest.start(ModuleConfig.of("admin-api", dbKeys, Map.of(
                "patchbay.admin.server.host", "127.0.0.1",
                "patchbay.admin.server.port", "0",
                "patchbay.admin.key", AdminUnderTest.KEY,
                "patchbay.local", "true",
                "patchbay.demo.seed", "true")));
        sipPort = Ports.freeUdpAndTcp(); // jain-sip listens on both
        int rtpBase = 20000 + 2 * (int) (Math.random() * 15000);
        MediaConfig d = MediaConfig.defaults();
        media = MediaPlane.start(d.withSipHost("127.0.0.1").withSipPort(sipPort).withSipThreads(4)
                .withRtpHost("127.0.0.1").withRtpPorts(rtpBase, rtpBase + 199).withMediaLoops(1)
                .withGrpcHost("127.0.0.1").withGrpcPort(0).withObservePort(0)
                .withRouteTimeout(Duration.ofSeconds(5)).withRingTimeout(Duration.ofSeconds(10)).withAckTimeout(Duration.ofSeconds(10))
                .withDrainTimeout(Duration.ofSeconds(2)).withTls(d.tls().withPort(0))
                .withRecordings(java.nio.file.Files.createTempDirectory("patchbay-rec")));
        control = ControlPlane.start(ModuleConfig.of("control-plane", dbKeys, Map.of(
                "patchbay.control.server.host", "127.0.0.1",
                "patchbay.control.server.port", "0",
                "patchbay.control.media.nodes", "127.0.0.1:" + media.grpcPort())));
        await(() -> media.hub().connected() == 1, "the control-plane to connect to the media-plane");
    }

    @AfterAll
    static void stop() {
        if (control != null) {
            control.close();
        }
        if (media != null) {
            media.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void sippUacPcapCallToEchoSucceeds() throws Exception {
        Path dir = Sipp.workDir();
        Sipp.Result r = Sipp.run(dir, List.of("-sn", "uac_pcap", "127.0.0.1:" + sipPort, "-s", "echo", "-m", "1",
                "-i", "127.0.0.1", "-p", Integer.toString(SippPorts.freePort()), "-mp", Integer.toString(SippPorts.freeEvenPort())));
        assertEquals(0, r.exitCode(), r.output());
        await(() -> media.calls().activeCalls() == 0, "the call to be torn down");
    }

    /**
     * An inbound call's record keeps the caller's SIP Call-ID, so a record can be matched to its call one
     * by one; a Call-ID longer than the column (RFC 3261 sets no bound) is kept cut to its width and the
     * call is still answered.
     */
    @Test
    void theCallersCallIdIsOnTheCallsRecord() throws Exception {
        String tag = Long.toHexString(System.nanoTime());
        String longPart = "x".repeat(300);
        for (String cid : List.of("pb-cid-" + tag + "@caller.test", "pb-long-" + tag + "-" + longPart)) {
            Path dir = Sipp.workDir();
            Sipp.Result r = Sipp.run(dir, List.of("-sn", "uac_pcap", "127.0.0.1:" + sipPort, "-s", "echo", "-m", "1",
                    "-cid_str", cid, "-i", "127.0.0.1", "-p", Integer.toString(SippPorts.freePort()),
                    "-mp", Integer.toString(SippPorts.freeEvenPort())));
            assertEquals(0, r.exitCode(), r.output());
        }
        await(() -> db.rows("SELECT id FROM calls WHERE sip_call_id LIKE 'pb-%" + tag + "%' AND ended_at IS NOT NULL")
                .size() == 2, "both calls' records to end");
        List<List<String>> rows = db.rows("SELECT sip_call_id, direction, status FROM calls WHERE sip_call_id LIKE 'pb-%"
                + tag + "%' ORDER BY sip_call_id");
        assertEquals(List.of(List.of("pb-cid-" + tag + "@caller.test", "inbound", "completed"),
                List.of(("pb-long-" + tag + "-" + longPart).substring(0, 256), "inbound", "completed")), rows);
    }

    /**
     * A caller offering PCMU then G.722 gets G.722, and its 16 kHz audio comes back from the echo bot
     * with no 8 kHz step anywhere: a 6 kHz tone, which an 8 kHz stage would remove entirely, returns
     * as strong as the 1 kHz one beside it. Audio made and heard by FFmpeg's g722.
     */
    @Test
    void g722CallerHearsItsWidebandAudioBack() throws Exception {
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Path dir = Sipp.workDir();
            byte[] source = WidebandAudio.twoTonesG722(dir, 2);
            Process sipp = echoCheck(dir, "echo_check_g722.xml", "echo", 4000, rtp);
            await(() -> media.calls().active().stream().anyMatch(c -> c.state() instanceof CallState.Confirmed),
                    "the G.722 echo call to be established");
            Call call = media.calls().active().get(0);
            assertEquals("G722", call.negotiated().audio().encoding(), "G.722 is preferred over the PCMU offered first");
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.media().localPort());

            WidebandAudio.assertTwoTonesEchoed(rtp, target, source, dir);
            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), r.output());
            await(() -> media.calls().activeCalls() == 0, "the call to be torn down");
        }
    }

    /**
     * An inbound trunk's codecs, set through the admin API, decide the answer: the same SIPp caller that
     * gets G.722 above gets PCMU when it calls a workspace whose trunk (127.0.0.0/8) lists only PCMU.
     */
    @Test
    void anInboundTrunksCodecOrderDecidesTheAnswer() throws Exception {
        String ws = field(admin.post("/v1/workspaces", "{\"name\":\"Codec order\"}"), 201);
        String bot = field(admin.post("/v1/workspaces/" + ws + "/bots", "{\"name\":\"Echo\",\"kind\":\"echo\"}"), 201);
        field(admin.post("/v1/workspaces/" + ws + "/dids", "{\"number\":\"narrowonly\",\"bot_id\":\"" + bot + "\"}"), 201);
        HttpResponse<String> trunk = admin.post("/v1/workspaces/" + ws + "/trunks", "{\"name\":\"PBX\",\"direction\":\"inbound\","
                + "\"allowed_cidrs\":[\"127.0.0.0/8\"],\"codecs\":[\"pcmu\"]}");
        assertEquals(201, trunk.statusCode(), trunk.body());
        assertTrue(trunk.body().contains("\"codecs\":[\"PCMU\"]"), trunk.body());
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Path dir = Sipp.workDir();
            Process sipp = echoCheck(dir, "echo_check_g722.xml", "narrowonly", 1000, rtp);
            await(() -> media.calls().active().stream().anyMatch(c -> c.state() instanceof CallState.Confirmed),
                    "the call through the trunk to be established");
            assertEquals("PCMU", media.calls().active().get(0).negotiated().audio().encoding(),
                    "the trunk takes PCMU only, though the caller offers G.722 too");
            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), r.output());
            await(() -> media.calls().activeCalls() == 0, "the call to be torn down");
        }
    }

    /** SIPp as a UAC running {@code scenario} to {@code service}, its SDP pointing RTP at the test's {@code rtp}. */
    private static Process echoCheck(Path dir, String scenario, String service, int holdMs, DatagramSocket rtp) throws Exception {
        return Sipp.start(dir, List.of("-sf", scenario(scenario), "127.0.0.1:" + sipPort, "-s", service, "-m", "1",
                "-d", Integer.toString(holdMs), "-key", "rtpport", Integer.toString(rtp.getLocalPort()),
                "-i", "127.0.0.1", "-p", Integer.toString(SippPorts.freePort()), "-mp", Integer.toString(SippPorts.freeEvenPort())));
    }

    private static String field(HttpResponse<String> created, int status) {
        assertEquals(status, created.statusCode(), created.body());
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(created.body());
        assertTrue(id.find(), created.body());
        return id.group(1);
    }

    /**
     * A caller offering PCMU then Opus gets Opus, and its audio comes back from the echo bot at
     * 16 kHz: the 6 kHz tone returns as strong as the 1 kHz one. The caller's Opus is FFmpeg's libopus,
     * and so is the decoder of what comes back, independent of the concentus inside Patchbay.
     */
    @Test
    void opusCallerHearsItsWidebandAudioBack() throws Exception {
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Path dir = Sipp.workDir();
            List<byte[]> source = OggOpus.encodeWithFfmpeg(dir, "aevalsrc=0.35*sin(2*PI*" + WidebandAudio.LOW_HZ
                    + "*t)+0.35*sin(2*PI*" + WidebandAudio.HIGH_HZ + "*t):s=16000:d=2");
            Process sipp = echoCheck(dir, "echo_check_opus.xml", "echo", 4000, rtp);
            await(() -> media.calls().active().stream().anyMatch(c -> c.state() instanceof CallState.Confirmed),
                    "the Opus echo call to be established");
            Call call = media.calls().active().get(0);
            assertEquals("opus", call.negotiated().audio().encoding(), "Opus is preferred over the PCMU offered first");
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.media().localPort());

            List<byte[]> packets = IntStream.range(0, source.size())
                    .mapToObj(p -> WidebandAudio.opusPacket(source.get(p), p, 0x0105)).toList();
            ScheduledExecutorService pacer = WidebandAudio.pace(rtp, target, packets);
            List<byte[]> heard = WidebandAudio.receiveOpus(rtp, packets.size() + 25, 3000);
            pacer.shutdownNow();

            WidebandAudio.assertBothTonesCameBack(OggOpus.decodeWithFfmpeg(dir, heard));
            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), r.output());
            await(() -> media.calls().activeCalls() == 0, "the call to be torn down");
        }
    }

    @Test
    void echoBotReturnsTheCallersAudioBitExactAndPaced() throws Exception {
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Path dir = Sipp.workDir();
            Process sipp = echoCheck(dir, "echo_check.xml", "echo", 4000, rtp);
            await(() -> media.calls().active().stream().anyMatch(c -> c.state() instanceof CallState.Confirmed),
                    "the echo call to be established");
            Call call = media.calls().active().get(0);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), call.media().localPort());

            int frames = 50;
            byte[] sent = new byte[frames * 160];
            for (int i = 0; i < sent.length; i++) {
                byte b = (byte) (i * 7 + i / 160);
                sent[i] = b == 0x7F ? 0x7E : b; // 0x7F is mu-law's negative zero and comes back as 0xFF
            }
            // A caller sends every 20 ms; the jitter buffer and the playout clock are what is under test.
            java.util.concurrent.ScheduledExecutorService pacer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            pacer.scheduleAtFixedRate(() -> {
                int p = next.getAndIncrement();
                if (p >= frames) {
                    return;
                }
                byte[] packet = dev.patchbay.media.testutil.RtpPackets.pcmu(p, 0x11, sent, p * 160, 160);
                try {
                    rtp.send(new DatagramPacket(packet, packet.length, target));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 0, 20, java.util.concurrent.TimeUnit.MILLISECONDS);

            // 45 of the 50: the last ones may be followed by concealment once the caller stops sending.
            VoicedRtp.Heard echo = VoicedRtp.receive(rtp, frames - 5, 3000);
            byte[] heard = echo.payload();
            long first = echo.firstNanos();
            long last = echo.lastNanos();
            pacer.shutdownNow();
            // Frames the jitter buffer concealed (the pacer thread ran late on a loaded machine) come back as concealment.
            long concealed = call.media().snapshot().get(5, java.util.concurrent.TimeUnit.SECONDS).framesConcealed();
            assertEchoed(sent, heard, concealed);

            // A digit pressed as RFC 4733 comes back as RFC 4733 from the echo bot.
            for (int i = 0; i < 6; i++) {
                boolean end = i >= 3;
                int duration = Math.min(i + 1, 3) * 160;
                byte[] event = {(byte) 0x80, (byte) ((i == 0 ? 0x80 : 0) | 101), 0, (byte) (100 + Math.min(i, 3)), 0, 0, 0x40, 0,
                        0, 0, 0, 0x11, 9, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >> 8), (byte) duration};
                rtp.send(new DatagramPacket(event, event.length, target));
            }
            Rfc4733Receiver receiver = new Rfc4733Receiver();
            RtpPacket packet = new RtpPacket();
            byte[] buf = new byte[2048];
            char echoed = 0;
            while (echoed == 0) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                rtp.receive(p); // bounded by the socket timeout above
                if (packet.parse(buf, 0, p.getLength()) == RtpPacket.ParseResult.OK && packet.payloadType() == 101
                        && receiver.feed(packet).began()) {
                    echoed = receiver.digit();
                }
            }
            assertEquals('9', echoed);
            long spanMs = (last - first) / 1_000_000;
            assertTrue(spanMs >= (frames - 6) * 20 * 8 / 10, "the frames are played out at 20 ms pace, took " + spanMs + " ms");

            Sipp.Result r = Sipp.await(sipp, dir);
            assertEquals(0, r.exitCode(), r.output());
        }
    }

    @Test
    void unknownUserIsRefusedWith404() throws Exception {
        Sipp.Result r = Sipp.run(Sipp.workDir(), List.of("-sf", scenario("uac_404.xml"), "127.0.0.1:" + sipPort,
                "-s", "nobody-here", "-m", "1", "-i", "127.0.0.1", "-p", Integer.toString(SippPorts.freePort()),
                "-mp", Integer.toString(SippPorts.freeEvenPort())));
        assertEquals(0, r.exitCode(), r.output());
    }

    @Test
    void aDidAddedThroughTheAdminApiRoutesTheNextCallWithoutRestart() throws Exception {
        // +1 415 555 xxxx: valid in the North American plan (the admin-api checks that), and a 555 exchange.
        String did = "+1415555" + (1000 + (int) (Math.random() * 8999));
        String body = "{\"number\":\"" + did + "\",\"bot_id\":\"bot_echo\"}";
        String id = field(admin.post("/v1/workspaces/ws_demo/dids", body), 201);

        Path dir = Sipp.workDir();
        Sipp.Result ok = Sipp.run(dir, List.of("-sn", "uac_pcap", "127.0.0.1:" + sipPort, "-s", did, "-m", "1",
                "-i", "127.0.0.1", "-p", Integer.toString(SippPorts.freePort()), "-mp", Integer.toString(SippPorts.freeEvenPort())));
        assertEquals(0, ok.exitCode(), ok.output());

        assertEquals(204, admin.delete("/v1/workspaces/ws_demo/dids/" + id).statusCode());
        Sipp.Result gone = Sipp.run(Sipp.workDir(), List.of("-sf", scenario("uac_404.xml"), "127.0.0.1:" + sipPort,
                "-s", did, "-m", "1", "-i", "127.0.0.1", "-p", Integer.toString(SippPorts.freePort()),
                "-mp", Integer.toString(SippPorts.freeEvenPort())));
        assertEquals(0, gone.exitCode(), "after the DELETE the number must be unknown: " + gone.output());
    }


    /**
     * Every echoed frame is, bit for bit, a stretch of what was sent, and the stretches move forward.
     * The jitter buffer plays caller frames out as they arrive, so on an idle machine the echo is the
     * sent audio exactly; only as many frames as it reports {@code concealed} (a packet that came
     * too late) may be something else. Alignment to 10 ms is all that is required of the rest.
     */
    private static void assertEchoed(byte[] sent, byte[] heard, long concealed) {
        int previous = -1;
        long unmatched = 0;
        for (int f = 0; f < heard.length / 160; f++) {
            byte[] frame = java.util.Arrays.copyOfRange(heard, f * 160, f * 160 + 160);
            int at = -1;
            for (int o = Math.max(0, previous - 80); o + 160 <= sent.length && at < 0; o += 80) {
                if (java.util.Arrays.equals(frame, 0, 160, sent, o, o + 160)) {
                    at = o;
                }
            }
            if (at < 0 && previous >= sent.length - 160) {
                break; // the whole sent audio is back: what follows is concealment after the caller stopped
            }
            if (at < 0 && unmatched < concealed) {
                unmatched++; // a concealed frame: the last one at a lower level, not the sent audio
                continue;
            }
            assertTrue(at >= 0, "echoed frame " + f + " is not a 10 ms-aligned stretch of the sent audio, and "
                    + concealed + " concealed frames are accounted for");
            assertTrue(at >= previous - 80, "echoed frame " + f + " goes back in time");
            previous = at;
        }
        assertTrue(previous >= heard.length - (4 + unmatched) * 160, "no more than a few 10 ms adjustments: the echo got to " + previous);
    }

    private static String scenario(String name) {
        return Path.of("src/test/resources/sipp", name).toAbsolutePath().toString();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, Duration.ofSeconds(15), what);
    }
}
