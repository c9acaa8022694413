package dev.patchbay.media.app;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.SharedMediaPlane;
import dev.patchbay.media.testutil.SipUdpClient.SipMessage;
import dev.patchbay.media.testutil.SipUdpClient;
import dev.patchbay.media.testutil.Sipp;
import dev.patchbay.proto.media.v1.CallHangup;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlaceCallResponse;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PlaceCall's v1.2 options: privacy headers and max duration against a real SIPp trunk, display name, recording. */
class PlaceCallOptionsTest extends SharedMediaPlane {

    private static final Duration WAIT = Duration.ofSeconds(10);

    static Path scenario(String name) throws Exception {
        return Path.of(PlaceCallOptionsTest.class.getResource("/sipp/" + name).toURI());
    }

    @Test
    void aPrivateRecordedCallHidesTheCallerAndEndsAfterItsMaximumDuration() throws Exception {
        int sippPort = Ports.freeUdpAndTcp();
        Path dir = Sipp.workDir();
        Process sipp = Sipp.start(dir, List.of("-sf", scenario("uas-privacy.xml").toString(), "-m", "1",
                "-i", "127.0.0.1", "-p", Integer.toString(sippPort), "-mp", Integer.toString(Ports.rtpBase(2))));
        // SIPp may still be starting: UDP retransmission of the INVITE (RFC 3261 timer A) covers that.
        PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:+15551234567@carrier.example")
                .setFromUri("sip:+15557654321@patchbay.example").setFromDisplay("Ada Agent").setPrivacy(true)
                .setMaxDurationSeconds(2).setRecord(true)
                .setTrunkHost("127.0.0.1").setTrunkPort(sippPort).build()).get(5, TimeUnit.SECONDS);
        control.next(ControlEvent.EventCase.ANSWERED, call.getCallId(), WAIT);
        long answered = System.nanoTime();
        CallHangup hangup = control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT).getHangup();
        long heldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
        assertEquals(HangupCause.MAX_DURATION, hangup.getCause(), hangup.toString());
        assertTrue(hangup.getReason().contains("2 s"), hangup.getReason());
        assertTrue(heldMs >= 1900 && heldMs < 3500, "BYE about 2 s after the answer, was " + heldMs + " ms");

        Sipp.Result r = Sipp.await(sipp, dir);
        assertEquals(0, r.exitCode(), "SIPp checked From, P-Asserted-Identity, Privacy and got the BYE:\n" + r.output());

        Path wav = Path.of(hangup.getRecordingPath());
        assertTrue(hangup.getRecordingPath().endsWith(call.getCallId() + ".wav"), hangup.getRecordingPath());
        // 2 s of stereo 16-bit 8 kHz is 64,000 bytes after the 44-byte header; the writer finishes on
        // its own thread. A loaded machine may lose a few 20 ms ticks, hence the lower bound of 1 s.
        Await.until(() -> dataBytes(wav) > 0 && dataBytes(wav) == fileSize(wav) - 44, WAIT, "the recording " + wav + " to be finished");
        long data = dataBytes(wav);
        assertTrue(data >= 32_000 && data <= 80_000, "about 2 s recorded, got " + data + " bytes");
    }

    private static long fileSize(Path wav) {
        try {
            return Files.exists(wav) ? Files.size(wav) : -1;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The WAV's data size from its header, or -1 while it is not written. */
    private static long dataBytes(Path wav) {
        try {
            byte[] head = Files.exists(wav) ? Files.readAllBytes(wav) : new byte[0];
            return head.length < 44 ? -1 : Integer.toUnsignedLong(ByteBuffer.wrap(head, 40, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void aDisplayNameGoesIntoFromAndNoPrivacyHeadersAreSent() throws Exception {
        try (SipUdpClient trunk = new SipUdpClient(plane.sipPort())) {
            PlaceCallResponse call = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:+15551234567@carrier.example")
                    .setFromUri("sip:+15557654321@patchbay.example").setFromDisplay("Ada Agent")
                    .setTrunkHost("127.0.0.1").setTrunkPort(trunk.localPort()).build()).get(5, TimeUnit.SECONDS);
            SipMessage invite = trunk.nextRequest(WAIT);
            assertTrue(invite.header("From").matches("\"Ada Agent\" ?<sip:\\+15557654321@patchbay\\.example>;tag=.+"),
                    invite.header("From"));
            assertNull(invite.header("Privacy"), invite.raw());
            assertNull(invite.header("P-Asserted-Identity"), invite.raw());
            assertFalse(invite.raw().contains("anonymous.invalid"), invite.raw());
            trunk.respond(invite, 486, "Busy Here", "b1", "", null);
            control.next(ControlEvent.EventCase.HANGUP, call.getCallId(), WAIT);
        }
    }

    @Test
    void badOptionsAreRefusedNamingTheField() {
        var tooLong = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@b").setFromUri("sip:a@b")
                .setTrunkHost("127.0.0.1").setMaxDurationSeconds(86_401).build());
        Status s = Status.fromThrowable(assertThrows(ExecutionException.class, tooLong::get));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains("max_duration_seconds"), s.getDescription());
        var quoted = control.rpc().placeCall(PlaceCallRequest.newBuilder().setToUri("sip:a@b").setFromUri("sip:a@b")
                .setTrunkHost("127.0.0.1").setFromDisplay("Ada\" <sip:evil@x>").build());
        Status q = Status.fromThrowable(assertThrows(ExecutionException.class, quoted::get));
        assertEquals(Status.Code.INVALID_ARGUMENT, q.getCode());
        assertTrue(q.getDescription().contains("from_display"), q.getDescription());
    }
}
