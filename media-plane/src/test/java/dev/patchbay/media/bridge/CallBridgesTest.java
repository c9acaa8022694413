package dev.patchbay.media.bridge;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.loop.NanoClock;
import dev.patchbay.media.call.CallPolicy;
import dev.patchbay.media.call.CallSignalling;
import dev.patchbay.media.call.ControlChannel;
import dev.patchbay.media.call.TransferOutcome;
import dev.patchbay.media.record.RecordingWriter;
import dev.patchbay.media.rtp.RtpPortPool;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.proto.media.v1.BridgeRequest;
import dev.patchbay.proto.media.v1.BridgeResponse;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Bridge RPC's outcome when the agent's trunk answers at once: a 486 handled on the SIP thread before
 * {@code place} has even returned must still complete the bridge, and the second leg must stay silent.
 */
class CallBridgesTest {

    private static final String TARGET = "sip:agent@127.0.0.1:5099";

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final RecordingWriter recordings = new RecordingWriter();
    /** Calls that reported an event while not silent: what the control-plane would have heard of. */
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final int rtp = Ports.rtpBase(4);
    private final CallManager calls = new CallManager(new RtpPortPool("127.0.0.1", rtp, rtp + 3), List.of(), timers,
            new CallPolicy(10, 50, null, null, null, null, 200, null, null), recordings, NanoClock.SYSTEM);

    @AfterEach
    void stop() {
        timers.shutdownNow();
        recordings.close();
    }

    /** A trunk that answers 486 Busy Here as soon as the INVITE leaves, before {@code place} returns. */
    private final class BusyAtOnce implements CallSignalling {
        @Override
        public Call place(PlaceCallRequest request, Consumer<Call> beforeInvite) {
            Call leg = calls.newOutboundCall("", "", "leg@test", "127.0.0.1", null, calls.ports().allocate().orElseThrow());
            beforeInvite.accept(leg);
            // The INVITE has left; the 486 is handled on the SIP thread while place() has yet to return.
            calls.end(leg, HangupCause.REJECTED, 486, "the trunk answered 486 Busy Here");
            return leg;
        }

        @Override
        public void ring(Call call) {
        }

        @Override
        public void progress(Call call, String sdpAnswer) {
        }

        @Override
        public void answer(Call call, String sdpAnswer) {
        }

        @Override
        public void reject(Call call, int status, String reason) {
        }

        @Override
        public void bye(Call call, String reason) {
        }

        @Override
        public CompletableFuture<TransferOutcome> transfer(Call call, String target) {
            return CompletableFuture.completedFuture(new TransferOutcome(501, true));
        }

        @Override
        public CompletableFuture<Integer> hold(Call call, boolean hold) {
            return CompletableFuture.completedFuture(501);
        }

        @Override
        public CompletableFuture<Integer> info(Call call, String contentType, byte[] body) {
            return CompletableFuture.completedFuture(501);
        }
    }

    @Test
    void aLegRefusedBeforePlaceReturnsStillCompletesTheBridgeWithItsStatus() throws Exception {
        calls.connect(new BusyAtOnce(), new ControlChannel() {
            @Override
            public Offer offer(Call call, CallOffered offered) {
                return Offer.SENT;
            }

            @Override
            public void event(Call call, ControlEvent.Builder event) {
                if (!call.silent()) {
                    heard.add(call.id() + " " + event.getEventCase());
                }
            }
        });
        Call caller = calls.newCall("caller@test", null, "127.0.0.1", null);

        BridgeResponse r = new CallBridges(calls).bridge(caller, BridgeRequest.newBuilder().setCallId(caller.id())
                .setTargetUri(TARGET).build()).get(2, TimeUnit.SECONDS);

        assertEquals(486, r.getSipStatus(), r.toString());
        assertTrue(caller.claimBridge(), "a failed bridge gives the caller's bridge slot back");
        assertTrue(heard.stream().noneMatch(e -> e.startsWith(r.getLegCallId())),
                "the second leg reports nothing of its own to the control-plane: " + heard);
    }
}
