package dev.patchbay.media.grpc;

import java.util.concurrent.CompletionException;

import com.google.protobuf.ByteString;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.playout.WavClip;
import dev.patchbay.proto.media.v1.CallStatsResponse;
import dev.patchbay.proto.media.v1.HoldResponse;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.PlayResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The v1.2 call-control RPCs on an answered call (hold, live statistics, playing a clip) and the
 * checks of PlaceCall's v1.2 options. MediaPlaneService has already found the call and its media.
 */
final class CallFeatures {

    /** A day: a longer limit is almost certainly seconds mistaken for milliseconds. */
    static final int MAX_DURATION_LIMIT = 86_400;

    private final CallManager calls;

    CallFeatures(CallManager calls) {
        this.calls = calls;
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
            response.onNext(CallStatsResponse.newBuilder().setStats(stats.toProto()).setDurationMs(call.answeredMillis()).build());
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
