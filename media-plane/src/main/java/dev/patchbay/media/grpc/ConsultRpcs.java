package dev.patchbay.media.grpc;

import dev.patchbay.media.bridge.CallBridges;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.consult.Consults;
import dev.patchbay.media.playout.EarlyAudio;
import dev.patchbay.media.playout.WavClip;
import dev.patchbay.proto.media.v1.CancelConsultRequest;
import dev.patchbay.proto.media.v1.CancelConsultResponse;
import dev.patchbay.proto.media.v1.CompleteConsultRequest;
import dev.patchbay.proto.media.v1.CompleteConsultResponse;
import dev.patchbay.proto.media.v1.ConsultCompletion;
import dev.patchbay.proto.media.v1.ConsultRequest;
import dev.patchbay.proto.media.v1.ConsultResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** The v1.9 attended-transfer RPCs: request checks here, the transfer itself in {@link Consults}. */
final class ConsultRpcs {

    /** A minute of hold music is kept in memory per held call, encoded; longer clips are refused. */
    static final int MAX_HOLD_FRAMES = 3000;

    private final CallManager calls;
    private final Consults consults;

    ConsultRpcs(CallManager calls) {
        this.calls = calls;
        this.consults = new Consults(calls);
    }

    void consult(ConsultRequest r, StreamObserver<ConsultResponse> response) {
        Call caller = answered(r.getCallId(), response);
        if (caller == null) {
            return;
        }
        EarlyAudio music = null;
        if (!r.getHoldWav().isEmpty()) {
            try {
                WavClip clip = WavClip.parse(r.getHoldWav().toByteArray());
                if (clip.frames() > MAX_HOLD_FRAMES) {
                    fail(response, Status.INVALID_ARGUMENT, "hold_wav is " + clip.frames() * 20 + " ms; at most "
                            + MAX_HOLD_FRAMES * 20 + " ms is looped: shorten the clip");
                    return;
                }
                music = EarlyAudio.of(clip.samples(), caller.media().ulaw());
            } catch (WavClip.Invalid | IllegalArgumentException e) {
                fail(response, Status.INVALID_ARGUMENT, "hold_wav: " + e.getMessage());
                return;
            }
        }
        Status refused = CallFeatures.placeRefusal(calls, "consult_", r.getConsultCallId(), r.getConsultAttachToken());
        if (refused != null) {
            response.onError(refused.asRuntimeException());
            return;
        }
        try {
            consults.consult(caller, r, music).thenAccept(answer -> done(response, answer));
        } catch (CallBridges.Invalid e) {
            fail(response, Status.INVALID_ARGUMENT, e.getMessage());
        } catch (Consults.Refused e) {
            fail(response, Status.FAILED_PRECONDITION, e.getMessage());
        }
    }

    void complete(CompleteConsultRequest r, StreamObserver<CompleteConsultResponse> response) {
        Call caller = answered(r.getCallId(), response);
        if (caller == null) {
            return;
        }
        if (r.getMethod() == ConsultCompletion.UNRECOGNIZED) {
            fail(response, Status.INVALID_ARGUMENT, "method must be CONSULT_COMPLETION_UNSPECIFIED, REFER_REPLACES or MEDIA_BRIDGE");
            return;
        }
        try {
            consults.complete(caller, r.getMethod()).thenAccept(answer -> done(response, answer));
        } catch (Consults.Refused e) {
            fail(response, Status.FAILED_PRECONDITION, e.getMessage());
        }
    }

    void cancel(CancelConsultRequest r, StreamObserver<CancelConsultResponse> response) {
        Call caller = answered(r.getCallId(), response);
        if (caller == null) {
            return;
        }
        try {
            done(response, CancelConsultResponse.newBuilder().setConsultCallId(consults.cancel(caller)).build());
        } catch (Consults.Refused e) {
            fail(response, Status.FAILED_PRECONDITION, e.getMessage());
        }
    }

    /** The answered call {@code callId}; otherwise answers the RPC with the reason and returns null. */
    private Call answered(String callId, StreamObserver<?> response) {
        Call call = calls.byId(callId).orElse(null);
        if (call == null) {
            fail(response, Status.NOT_FOUND, "no active call " + callId);
        } else if (!call.state().answered() || call.media() == null) {
            fail(response, Status.FAILED_PRECONDITION, "call " + callId + " is not answered yet");
            return null;
        }
        return call;
    }

    private static <T> void done(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }

    private static void fail(StreamObserver<?> response, Status status, String description) {
        response.onError(status.withDescription(description).asRuntimeException());
    }
}
