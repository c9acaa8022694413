package dev.patchbay.e2e;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.testutil.BotServer;
import dev.patchbay.media.codec.G711;
import dev.patchbay.media.dtmf.InbandDtmfDetector;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Multimon;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14 part 4 through the whole gateway: the provider API's {@code /dtmf} on an outbound call to a
 * SIPp far end that did not negotiate telephone-event and knows no INFO. Before, the digits went as
 * INFO, nothing answered, and the request ended in 504; now they go as in-band tones, the request
 * succeeds, and the far end's audio decodes to the digits in Patchbay's detector and in multimon-ng.
 */
@ExtendWith(GatewayFixture.class)
class DtmfOutE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void dtmfToAFarEndWithoutTelephoneEventSucceedsAndArrivesAsTones(Gateway gw) throws Exception {
        Gateway.FarEnd farEnd = gw.farEnd("ws_dtmf");
        int port = farEnd.port();
        String key = farEnd.key();
        Path dir = farEnd.dir();
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             BotServer bot = new BotServer()) {
            Process far = Sipp.start(dir, List.of("-sf", Path.of("src/test/resources/sipp/uas_no_telephone_event.xml")
                    .toAbsolutePath().toString(), "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "1",
                    "-key", "rtpport", Integer.toString(rtp.getLocalPort())));
            try {
                String id = JSON.readTree(gw.http("POST", "/v1/calls", key, "{\"to\":\"+919494865419\",\"from\":\"+918035735900\","
                        + "\"websocket_url\":\"" + bot.url() + "\"}").body()).get("call_id").asText();
                bot.next(Duration.ofSeconds(10)).next(String.class, m -> m.contains("\"start\""), Duration.ofSeconds(5));

                HttpResponse<String> dtmf = gw.http("POST", "/v1/calls/" + id + "/dtmf", key, "{\"digits\":\"2580\"}");
                assertEquals(202, dtmf.statusCode(), dtmf.body());

                List<short[]> frames = new ArrayList<>();
                assertEquals("2580", detect(rtp, "2580", frames), "Patchbay's detector on what the far end received");
                short[] pcm = new short[frames.size() * 160];
                for (int i = 0; i < frames.size(); i++) {
                    System.arraycopy(frames.get(i), 0, pcm, i * 160, 160);
                }
                assertEquals("2580", Multimon.decode(pcm), "multimon-ng on what the far end received");

                assertEquals(202, gw.http("POST", "/v1/calls/" + id + "/hangup", key, "{}").statusCode(), "the hangup is accepted");
                Sipp.Result r = Sipp.await(far, dir);
                assertEquals(0, r.exitCode(), "the far end saw no INFO, and the BYE: " + r.output());
            } finally {
                far.destroyForcibly();
            }
        }
    }

    /** Reads PCMU RTP until the digits are heard and 300 ms more, or 8 s pass; every frame goes into {@code frames}. */
    private static String detect(DatagramSocket rtp, String expected, List<short[]> frames) throws Exception {
        InbandDtmfDetector detector = new InbandDtmfDetector();
        RtpPacket packet = new RtpPacket();
        StringBuilder heard = new StringBuilder();
        byte[] buf = new byte[2048];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        rtp.setSoTimeout(200);
        while (System.nanoTime() < deadline) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                rtp.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (packet.parse(buf, 0, p.getLength()) != RtpPacket.ParseResult.OK || packet.payloadType() != 0
                    || packet.payloadLength() != 160) {
                continue;
            }
            short[] frame = new short[160];
            G711.decodeUlaw(buf, packet.payloadOffset(), 160, frame, 0);
            frames.add(frame);
            char d = detector.feed(frame, 0, 160);
            if (d != 0) {
                heard.append(d);
                if (heard.toString().equals(expected)) {
                    deadline = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300));
                }
            }
        }
        return heard.toString();
    }
}
