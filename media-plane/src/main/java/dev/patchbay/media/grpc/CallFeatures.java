package dev.patchbay.media.grpc;

import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.playout.WavClip;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.proto.media.v1.CallStatsResponse;
import dev.patchbay.proto.media.v1.Codec;
import dev.patchbay.proto.media.v1.HoldResponse;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlayResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The v1.2 call-control RPCs on an answered call (hold, live statistics, playing a clip), for which
 * MediaPlaneService has already found the call and its media; the checks of PlaceCall's v1.2 options,
 * and of the ids a placed call (or a consult leg) may be given.
 */
final class CallFeatures {

    /** A day: a longer limit is almost certainly seconds mistaken for milliseconds. */
    static final int MAX_DURATION_LIMIT = 86_400;
    private static final Pattern CALL_ID = Pattern.compile("CA[0-9a-f]{32}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{32,128}");

    private final CallManager calls;

    CallFeatures(CallManager calls) {
        this.calls = calls;
    }

    /**
     * Why a call cannot be placed now with the optional id and attach token asked for, or null: the fields'
     * formats, an id already in use, a draining or full node. {@code prefix} names the fields ("consult_").
     */
    static Status placeRefusal(CallManager calls, String prefix, String id, String token) {
        if (!id.isEmpty() && !CALL_ID.matcher(id).matches()) {
            return Status.INVALID_ARGUMENT.withDescription(prefix + "call_id must be \"CA\" and 32 lower-case hex digits, or empty");
        }
        if (!token.isEmpty() && !TOKEN.matcher(token).matches()) {
            return Status.INVALID_ARGUMENT.withDescription(prefix + "attach_token must be 32 to 128 of A-Z a-z 0-9 - _, or empty");
        }
        if (!id.isEmpty() && calls.byId(id).isPresent()) {
            return Status.ALREADY_EXISTS.withDescription("call " + id + " already exists on this node");
        }
        String refusal = calls.refusal();
        return refusal == null ? null : Status.UNAVAILABLE.withDescription(refusal);
    }

    /** What is wrong with PlaceCall's v1.2 options, or null. */
    static String placeOptionsError(PlaceCallRequest r) {
        if (Integer.toUnsignedLong(r.getMaxDurationSeconds()) > MAX_DURATION_LIMIT) {
            return "max_duration_seconds must be 0 (no limit) to " + MAX_DURATION_LIMIT + ", got "
                    + Integer.toUnsignedString(r.getMaxDurationSeconds());
        }
        String display = r.getFromDisplay();
        if (display.length() > 128 || !display.matches("[^\\p{Cntrl}\"\\\\]*")) {
            return "from_display must be at most 128 characters without quotes, backslashes or control characters";
        }
        return null;
    }

    void hold(Call call, boolean hold, StreamObserver<HoldResponse> response) {
        calls.hold(call, hold).whenComplete((status, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                response.onError(Status.FAILED_PRECONDITION.withDescription(cause.getMessage()).asRuntimeException());
            } else {
                response.onNext(HoldResponse.newBuilder().setSipStatus(status).build());
                response.onCompleted();
            }
        });
    }

    void stats(Call call, CallMedia media, StreamObserver<CallStatsResponse> response) {
        media.snapshot().thenAccept(stats -> {
            Negotiated n = call.negotiated();
            response.onNext(CallStatsResponse.newBuilder().setStats(stats.toProto()).setDurationMs(call.answeredMillis())
                    .setCodec(Codec.newBuilder().setName(n.audio().encoding()).setPayloadType(n.audio().payloadType())
                            .setClockRate(n.audio().clockRate()).setFmtp(n.audio().fmtp() == null ? "" : n.audio().fmtp()))
                    .setPtimeMs(n.callerPtimeMs()).build());
            response.onCompleted();
        });
    }

    void play(CallMedia media, ByteString wav, StreamObserver<PlayResponse> response) {
        WavClip clip;
        try {
            clip = WavClip.parse(wav.toByteArray());
        } catch (WavClip.Invalid e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        PlayoutQueue queue = media.playout();
        if (clip.frames() > queue.capacityFrames()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("the clip is " + clip.frames() * 20 + " ms; at most "
                    + queue.capacityFrames() * 20 + " ms can be queued (patchbay.rtp.playout.frames); split it and "
                    + "play each part once the previous one's duration_ms has passed").asRuntimeException());
            return;
        }
        clip.queueInto(queue, media.ulaw());
        response.onNext(PlayResponse.newBuilder().setDurationMs(clip.frames() * 20).build());
        response.onCompleted();
    }
}
