package dev.patchbay.media.grpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;
import dev.patchbay.media.botaudio.AudioSession;
import dev.patchbay.media.botaudio.MuxMethod;
import dev.patchbay.media.botaudio.MuxSession;
import dev.patchbay.media.bridge.CallBridges;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.record.RecordingFiles;
import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.BridgeRequest;
import dev.patchbay.proto.media.v1.BridgeResponse;
import dev.patchbay.proto.media.v1.CallStatsRequest;
import dev.patchbay.proto.media.v1.CancelConsultRequest;
import dev.patchbay.proto.media.v1.CancelConsultResponse;
import dev.patchbay.proto.media.v1.CompleteConsultRequest;
import dev.patchbay.proto.media.v1.CompleteConsultResponse;
import dev.patchbay.proto.media.v1.ConsultRequest;
import dev.patchbay.proto.media.v1.ConsultResponse;
import dev.patchbay.proto.media.v1.CallStatsResponse;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.ControlCommand;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.DeleteRecordingRequest;
import dev.patchbay.proto.media.v1.DeleteRecordingResponse;
import dev.patchbay.proto.media.v1.DtmfMethod;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.HangupResponse;
import dev.patchbay.proto.media.v1.HoldRequest;
import dev.patchbay.proto.media.v1.HoldResponse;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlaceCallResponse;
import dev.patchbay.proto.media.v1.PlayRequest;
import dev.patchbay.proto.media.v1.PlayResponse;
import dev.patchbay.proto.media.v1.DrainRequest;
import dev.patchbay.proto.media.v1.DrainResponse;
import dev.patchbay.proto.media.v1.ReadRecordingRequest;
import dev.patchbay.proto.media.v1.RecordingChunk;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import dev.patchbay.proto.media.v1.SendDtmfResponse;
import dev.patchbay.proto.media.v1.SendInfoRequest;
import dev.patchbay.proto.media.v1.SendInfoResponse;
import dev.patchbay.proto.media.v1.TransferRequest;
import dev.patchbay.proto.media.v1.TransferResponse;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/** The patchbay.media.v1.MediaPlane service. */
public final class MediaPlaneService extends MediaPlaneGrpc.MediaPlaneImplBase {

    /** INFO goes over UDP too; keep the body well inside one datagram. */
    static final int MAX_INFO_BODY = 8 * 1024;
    private static final Logger LOG = Logger.getLogger(MediaPlaneService.class.getName());

    private final CallManager calls;
    private final ControlHub hub;
    private final CallFeatures features;
    private final CallBridges bridges;
    private final ConsultRpcs consults;
    /** Audio streams run on the gRPC event loop; their ends, which may send SIP, run here instead. */
    private final Executor signalling = Executors.newVirtualThreadPerTaskExecutor();

    private final RecordingFiles recordings;
    /** Starts this node's drain; false when one is already under way. */
    private final BooleanSupplier drain;

    public MediaPlaneService(CallManager calls, ControlHub hub, RecordingFiles recordings, BooleanSupplier drain) {
        this.calls = calls;
        this.hub = hub;
        this.recordings = recordings;
        this.drain = drain;
        this.features = new CallFeatures(calls);
        this.bridges = new CallBridges(calls);
        this.consults = new ConsultRpcs(calls);
    }

    @Override
    public StreamObserver<ControlCommand> control(StreamObserver<ControlEvent> responseObserver) {
        return hub.open(responseObserver);
    }

    @Override
    public StreamObserver<BotToCaller> audio(StreamObserver<CallerToBot> responseObserver) {
        return new AudioSession(calls, responseObserver, signalling);
    }

    /** The service as the server runs it: this, with AudioMux on raw bytes ({@link MuxMethod}). */
    public ServerServiceDefinition definition() {
        return MuxMethod.replaceIn(bindService(),
                ServerCalls.asyncBidiStreamingCall(out -> {
                    MuxSession mux = new MuxSession(calls, out, signalling, hub::untrack);
                    hub.track(mux);
                    return mux;
                }));
    }

    @Override
    public void hangup(HangupRequest request, StreamObserver<HangupResponse> response) {
        Call call = calls.byId(request.getCallId()).orElse(null);
        if (call == null) {
            response.onError(Status.NOT_FOUND.withDescription("no active call " + request.getCallId()).asRuntimeException());
            return;
        }
        int status = request.getSipStatus() == 0 ? 480 : request.getSipStatus();
        if (status < 400 || status > 699) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("sip_status must be 400-699, got " + status)
                    .asRuntimeException());
            return;
        }
        calls.end(call, HangupCause.BOT_HANGUP, status, request.getReason().isEmpty() ? "hung up by the bot" : request.getReason());
        response.onNext(HangupResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void transfer(TransferRequest request, StreamObserver<TransferResponse> response) {
        if (answeredMedia(request.getCallId(), response) == null) {
            return;
        }
        String target = request.getTargetUri();
        if (!target.matches("(sips?|tel):[^\\s<>\"]+")) {
            fail(response, Status.INVALID_ARGUMENT, "target_uri must be a sip:, sips: or tel: URI, got '" + target + "'");
            return;
        }
        Call call = calls.byId(request.getCallId()).orElseThrow();
        calls.transfer(call, target).thenAccept(outcome -> done(response, TransferResponse.newBuilder()
                .setFinalStatus(outcome.status()).setReferRefused(outcome.referRefused()).build()));
    }

    @Override
    public void sendDtmf(SendDtmfRequest request, StreamObserver<SendDtmfResponse> response) {
        CallMedia media = answeredMedia(request.getCallId(), response);
        if (media == null) {
            return;
        }
        String digits = request.getDigits();
        if (digits.isEmpty() || digits.length() > 32 || !digits.matches("[0-9*#A-Da-d,]+")) {
            fail(response, Status.INVALID_ARGUMENT, "digits must be 1-32 of 0-9 * # A-D and ',' for a pause, got '" + digits + "'");
            return;
        }
        int duration = request.getDurationMs() == 0 ? 100 : request.getDurationMs();
        if (duration < 40 || duration > 5000) {
            fail(response, Status.INVALID_ARGUMENT, "duration_ms must be 40-5000, got " + duration);
            return;
        }
        Call call = calls.byId(request.getCallId()).orElseThrow();
        boolean byTrunk = request.getMethod() == DtmfMethod.DTMF_METHOD_UNSPECIFIED;
        DtmfMethod method = byTrunk ? call.dtmfMethod() : request.getMethod();
        if (method == DtmfMethod.DTMF_METHOD_UNSPECIFIED || method == DtmfMethod.UNRECOGNIZED) {
            // auto: events where the far end takes them, else tones every far end hears
            method = media.canSendRfc4733() ? DtmfMethod.DTMF_RFC4733 : DtmfMethod.DTMF_INBAND;
        }
        switch (method) {
            case DTMF_RFC4733 -> {
                if (!media.canSendRfc4733()) {
                    // Not a silent fallback: a trunk set to rfc4733 asked for no tones in the audio and no INFO.
                    fail(response, Status.FAILED_PRECONDITION, "the far end did not negotiate telephone-event, so RFC 4733 "
                            + "cannot be sent" + (byTrunk ? "; the call's trunk has dtmf_mode rfc4733: set it to auto or inband"
                            : "; use DTMF_INBAND or leave the method unspecified"));
                    return;
                }
                queued(media.sendDigits(digits, duration), request, response);
            }
            case DTMF_INBAND -> queued(media.sendTones(digits, duration), request, response);
            case DTMF_SIP_INFO -> {
                if (digits.indexOf(',') >= 0) {
                    fail(response, Status.INVALID_ARGUMENT, "',' pauses cannot be sent by SIP INFO, which sends keys only"
                            + (byTrunk ? " (the call's trunk has dtmf_mode info)" : ""));
                    return;
                }
                infoDigits(call, digits, 0, duration, response);
            }
            default -> fail(response, Status.INVALID_ARGUMENT, "unknown DTMF method " + method);
        }
    }

    /** Answers once the call's media loop has queued the digits; they then play in order. */
    private static void queued(CompletableFuture<Boolean> queued, SendDtmfRequest request,
                               StreamObserver<SendDtmfResponse> response) {
        queued.thenAccept(ok -> {
            if (ok) {
                done(response, SendDtmfResponse.getDefaultInstance());
            } else {
                fail(response, Status.RESOURCE_EXHAUSTED, "too many digits queued for call " + request.getCallId()
                        + ", or it has ended");
            }
        });
    }

    /** One INFO per key, each after the previous one was answered, as gateways expect. */
    private void infoDigits(Call call, String digits, int index, int duration, StreamObserver<SendDtmfResponse> response) {
        if (index == digits.length()) {
            done(response, SendDtmfResponse.getDefaultInstance());
            return;
        }
        byte[] body = ("Signal=" + digits.charAt(index) + "\r\nDuration=" + duration + "\r\n").getBytes(StandardCharsets.US_ASCII);
        calls.info(call, "application/dtmf-relay", body).thenAccept(status -> {
            if (status >= 200 && status < 300) {
                infoDigits(call, digits, index + 1, duration, response);
            } else {
                fail(response, Status.FAILED_PRECONDITION, "the caller answered INFO for '" + digits.charAt(index) + "' with " + status);
            }
        });
    }

    @Override
    public void sendInfo(SendInfoRequest request, StreamObserver<SendInfoResponse> response) {
        if (answeredMedia(request.getCallId(), response) == null) {
            return;
        }
        if (!request.getContentType().matches("[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+")) {
            fail(response, Status.INVALID_ARGUMENT, "content_type must be type/subtype, got '" + request.getContentType() + "'");
            return;
        }
        if (request.getBody().size() > MAX_INFO_BODY) {
            fail(response, Status.INVALID_ARGUMENT, "body is " + request.getBody().size() + " bytes; INFO bodies are limited to "
                    + MAX_INFO_BODY + " so they fit one UDP datagram with the headers");
            return;
        }
        Call call = calls.byId(request.getCallId()).orElseThrow();
        calls.info(call, request.getContentType(), request.getBody().toByteArray())
                .thenAccept(status -> done(response, SendInfoResponse.newBuilder().setSipStatus(status).build()));
    }

    /** The call's media if it is answered; otherwise answers the RPC with the reason and returns null. */
    private CallMedia answeredMedia(String callId, StreamObserver<?> response) {
        Call call = calls.byId(callId).orElse(null);
        if (call == null) {
            fail(response, Status.NOT_FOUND, "no active call " + callId);
            return null;
        }
        if (!call.state().answered() || call.media() == null) {
            fail(response, Status.FAILED_PRECONDITION, "call " + callId + " is not answered yet");
            return null;
        }
        return call.media();
    }

    private static <T> void done(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }

    private static void fail(StreamObserver<?> response, Status status, String description) {
        response.onError(status.withDescription(description).asRuntimeException());
    }

    @Override
    public void placeCall(PlaceCallRequest request, StreamObserver<PlaceCallResponse> response) {
        if (!request.getToUri().startsWith("sip:") || !request.getFromUri().startsWith("sip:")) {
            fail(response, Status.INVALID_ARGUMENT, "to_uri and from_uri must be sip: URIs");
            return;
        }
        if (request.getTrunkHost().isBlank() || request.getTrunkPort() > 65535) {
            fail(response, Status.INVALID_ARGUMENT, "trunk_host is required and trunk_port must be 0-65535 (0 = default)");
            return;
        }
        String optionError = CallFeatures.placeOptionsError(request);
        if (optionError != null) {
            fail(response, Status.INVALID_ARGUMENT, optionError);
            return;
        }
        Status refused = CallFeatures.placeRefusal(calls, "", request.getCallId(), request.getAttachToken());
        if (refused != null) {
            response.onError(refused.asRuntimeException());
            return;
        }
        try {
            Call call = calls.place(request, placed -> { });
            done(response, PlaceCallResponse.newBuilder().setCallId(call.id()).setAttachToken(call.attachToken()).build());
        } catch (IllegalArgumentException e) {
            fail(response, Status.INVALID_ARGUMENT, e.getMessage());
        }
    }

    @Override
    public void hold(HoldRequest request, StreamObserver<HoldResponse> response) {
        if (answeredMedia(request.getCallId(), response) != null) {
            features.hold(calls.byId(request.getCallId()).orElseThrow(), request.getHold(), response);
        }
    }

    @Override
    public void callStats(CallStatsRequest request, StreamObserver<CallStatsResponse> response) {
        CallMedia media = answeredMedia(request.getCallId(), response);
        if (media != null) {
            features.stats(calls.byId(request.getCallId()).orElseThrow(), media, response);
        }
    }

    @Override
    public void play(PlayRequest request, StreamObserver<PlayResponse> response) {
        CallMedia media = answeredMedia(request.getCallId(), response);
        if (media != null) {
            features.play(media, request.getWav(), response);
        }
    }

    @Override
    public void bridge(BridgeRequest request,
                       StreamObserver<BridgeResponse> response) {
        if (answeredMedia(request.getCallId(), response) == null) {
            return;
        }
        try {
            bridges.bridge(calls.byId(request.getCallId()).orElseThrow(), request).thenAccept(r -> done(response, r));
        } catch (CallBridges.Invalid e) {
            fail(response, e.getMessage().contains("already") ? Status.FAILED_PRECONDITION : Status.INVALID_ARGUMENT,
                    e.getMessage());
        }
    }

    @Override
    public void consult(ConsultRequest request, StreamObserver<ConsultResponse> response) {
        consults.consult(request, response);
    }

    @Override
    public void completeConsult(CompleteConsultRequest request, StreamObserver<CompleteConsultResponse> response) {
        consults.complete(request, response);
    }

    @Override
    public void cancelConsult(CancelConsultRequest request, StreamObserver<CancelConsultResponse> response) {
        consults.cancel(request, response);
    }

    @Override
    public void readRecording(ReadRecordingRequest request, StreamObserver<RecordingChunk> response) {
        RecordingFiles.Refusal refusal = recordings.check(request.getCallId());
        if (refusal != null) {
            switch (refusal) {
                case RecordingFiles.Invalid(String why) -> fail(response, Status.INVALID_ARGUMENT, why);
                case RecordingFiles.Missing(String why) -> fail(response, Status.NOT_FOUND, why);
                case RecordingFiles.Unfinished(String why) -> fail(response, Status.UNAVAILABLE, why);
            }
            return;
        }
        try {
            // The control-plane asks for bounded windows, so what one call queues here stays small.
            recordings.read(request.getCallId(), request.getOffset(), request.getLength(), chunk -> {
                RecordingChunk.Builder b = RecordingChunk.newBuilder().setData(ByteString.copyFrom(chunk.data()));
                if (chunk.size() >= 0) {
                    b.setSize(chunk.size());
                }
                response.onNext(b.build());
            });
            response.onCompleted();
        } catch (IOException e) {
            fail(response, Status.INTERNAL, "reading the recording of " + request.getCallId() + " failed: " + e.getMessage());
        }
    }

    @Override
    public void deleteRecording(DeleteRecordingRequest request, StreamObserver<DeleteRecordingResponse> response) {
        try {
            done(response, DeleteRecordingResponse.newBuilder().setDeleted(recordings.delete(request.getCallId())).build());
        } catch (IllegalArgumentException e) {
            fail(response, Status.INVALID_ARGUMENT, e.getMessage());
        } catch (IOException e) {
            fail(response, Status.INTERNAL, "deleting the recording of " + request.getCallId() + " failed: " + e.getMessage());
        }
    }

    @Override
    public void drain(DrainRequest request, StreamObserver<DrainResponse> response) {
        int inProgress = calls.activeCalls();
        boolean started = drain.getAsBoolean();
        LOG.info(() -> "drain requested over gRPC by " + request.getReason().replaceAll("\\p{Cntrl}", "?") + ": "
                + (started ? inProgress + " calls in progress" : "already draining"));
        done(response, DrainResponse.newBuilder().setCallsInProgress(inProgress).setAlreadyDraining(!started).build());
    }
}
