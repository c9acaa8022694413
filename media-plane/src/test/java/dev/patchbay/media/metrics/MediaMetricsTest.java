package dev.patchbay.media.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.app.MediaConfig;
import dev.patchbay.media.app.MediaPlane;
import dev.patchbay.media.testutil.MediaPlaneFixture;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.RtpPackets;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.TestControl;
import dev.patchbay.metrics.Exposition;
import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlaceCallResponse;
import dev.patchbay.proto.media.v1.RtpStats;
import org.junit.jupiter.api.Test;

/**
 * The media-plane's /metrics, scraped over HTTP from its observe socket while real SIP, RTP and
 * gRPC on loopback drive a call: the counters must move by exactly what the call did.
 */
class MediaMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aCallsSetupRtpBotAndInviteOutcomesShowInTheScrape() throws Exception {
        MediaConfig config = MediaPlaneFixture.config().withMaxCalls(100);
        try (MediaPlaneFixture fixture = MediaPlaneFixture.start(config);
             SipUdpClient trunk = new SipUdpClient(fixture.plane().sipPort());
             DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            MediaPlane plane = fixture.plane();
            TestControl control = fixture.control();
            assertEquals(1.0, scrape(plane).sum("patchbay_control_planes_connected"));

            PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:+15551234567@carrier.example")
                    .setFromUri("sip:+15557654321@patchbay.example").setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build())
                    .get(5, TimeUnit.SECONDS);
            String id = call.getCallId();
            SipMessage invite = trunk.nextRequest(WAIT);
            Matcher port = Pattern.compile("m=audio (\\d+) ").matcher(invite.body());
            assertTrue(port.find(), invite.body());
            trunk.respond(invite, 200, "OK", "m1", SipUdpClient.sdp(rtp.getLocalPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"),
                    "Contact: <sip:trunk@127.0.0.1:" + trunk.localPort() + ">\r\n");
            control.next(ControlEvent.EventCase.ANSWERED, id, WAIT);
            TestControl.Bot bot = control.attach(id, call.getAttachToken(), AudioFormat.PCMU);
            bot.next(CallerToBot.MessageCase.ATTACHED, WAIT);

            Exposition during = scrape(plane);
            assertEquals(1.0, during.sum("patchbay_calls", "state", "confirmed", "process", "media-plane"));
            assertEquals(1.0, during.sum("patchbay_bot_streams_active"));
            assertEquals(1.0, during.sum("patchbay_call_setup_seconds_count", "direction", "out"));
            assertEquals(1.0, during.sum("patchbay_sip_invite_responses_total", "direction", "out", "status", "200"));

            // Sequence numbers 0-9 without 4 and 5: 8 in, 2 lost.
            InetSocketAddress media = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port.group(1)));
            byte[] voice = new byte[160];
            java.util.Arrays.fill(voice, (byte) 0x80);
            for (int seq = 0; seq < 10; seq++) {
                if (seq != 4 && seq != 5) {
                    byte[] p = RtpPackets.pcmu(seq, 0x5EED, voice);
                    rtp.send(new DatagramPacket(p, p.length, media));
                }
            }
            Await.until(() -> stats(control, id).getPacketsReceived() == 8, WAIT, "8 packets counted");
            // 300 bot frames at once into a queue of 250: the oldest are dropped at the full queue.
            byte[] tenFrames = new byte[1600];
            java.util.Arrays.fill(tenFrames, (byte) 0x7F);
            for (int i = 0; i < 30; i++) {
                bot.send.onNext(BotToCaller.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(tenFrames))).build());
            }
            Await.until(() -> stats(control, id).getFramesOverflowed() > 0, WAIT, "bot frames dropped at the full playout queue");
            control.rpc().hangup(HangupRequest.newBuilder().setCallId(id).build()).get(5, TimeUnit.SECONDS);
            RtpStats ended = control.next(ControlEvent.EventCase.HANGUP, id, WAIT).getHangup().getStats();
            long sent = ended.getPacketsSent();
            assertTrue(sent > 0);

            Await.until(() -> scrapeQuietly(plane).sum("patchbay_jitter_buffer_delay_seconds_count") == 1.0, WAIT,
                    "the call's end to reach the metrics");
            Exposition after = scrape(plane);
            assertEquals(8.0, after.sum("patchbay_rtp_packets_total", "direction", "in"));
            assertEquals((double) sent, after.sum("patchbay_rtp_packets_total", "direction", "out"));
            assertEquals(2.0, after.sum("patchbay_rtp_packets_lost_total"));
            assertEquals((double) ended.getFramesOverflowed(), after.sum("patchbay_audio_frames_dropped_total", "direction", "to_caller",
                    "reason", "queue_full"));
            // No standing backlog of a real-time bot, no full uplink: present, at zero.
            assertEquals(0.0, after.sum("patchbay_audio_frames_dropped_total", "direction", "to_caller", "reason", "backlog_trimmed"));
            assertEquals(0.0, after.sum("patchbay_audio_frames_dropped_total", "direction", "to_bot", "reason", "queue_full"));
            assertTrue(after.names().contains("patchbay_audio_frames_dropped_total"));
            assertEquals(0.0, after.sum("patchbay_calls", "state", "confirmed"));
            assertEquals(1.0, after.sum("patchbay_bot_streams_attached_total"));
            assertEquals(1.0, after.sum("patchbay_bot_streams_detached_total", "reason", "call_ended"));
            assertEquals(0.0, after.sum("patchbay_bot_streams_active"));
            assertTrue(after.sum("patchbay_jitter_buffer_delay_seconds_sum") > 0, "a target delay above zero");
            assertEquals(1.0, after.sum("patchbay_calls_ended_total", "cause", "BOT_HANGUP"),
                    "hang-up cause counted: " + after.samples().stream().filter(s -> s.name().equals("patchbay_calls_ended_total")
                            && s.value() > 0).toList());

            // An inbound INVITE the node must refuse (no common codec): 488, counted by status.
            try (SipUdpClient caller = new SipUdpClient(plane.sipPort())) {
                caller.request("INVITE", "echo", 1, "nocodec", null, null, SipUdpClient.sdp(4000, "18", "a=rtpmap:18 G729/8000\r\n"));
                assertEquals(488, caller.finalResponseTo("1 INVITE", WAIT).status());
            }
            Await.until(() -> scrapeQuietly(plane).sum("patchbay_sip_invite_responses_total", "direction", "in", "status", "488") == 1.0,
                    WAIT, "the 488 to be counted");
            Exposition last = scrape(plane);
            assertTrue(last.sum("patchbay_http_requests_seconds_count", "route", "/metrics", "status", "200") >= 4,
                    "the scrapes above, counted by route and status");
            assertTrue(last.names().contains("jvm_gc_pause_seconds_count") || last.names().contains("jvm_gc_memory_allocated_bytes_total"),
                    "GC meters present");
        }
    }

    private static RtpStats stats(TestControl control, String id) {
        try {
            return control.rpc().callStats(dev.patchbay.proto.media.v1.CallStatsRequest.newBuilder().setCallId(id).build())
                    .get(5, TimeUnit.SECONDS).getStats();
        } catch (Exception e) {
            throw new AssertionError("CallStats failed", e);
        }
    }

    private Exposition scrapeQuietly(MediaPlane plane) {
        try {
            return scrape(plane);
        } catch (Exception e) {
            throw new AssertionError("scrape failed", e);
        }
    }

    private Exposition scrape(MediaPlane plane) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.observePort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Exposition.parse(r.body());
    }
}
