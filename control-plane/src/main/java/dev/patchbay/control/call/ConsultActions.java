package dev.patchbay.control.call;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import com.google.protobuf.ByteString;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallRecord.Direction;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.proto.media.v1.CancelConsultRequest;
import dev.patchbay.proto.media.v1.CompleteConsultRequest;
import dev.patchbay.proto.media.v1.CompleteConsultResponse;
import dev.patchbay.proto.media.v1.ConsultCompletion;
import dev.patchbay.proto.media.v1.ConsultRequest;
import dev.patchbay.proto.media.v1.ConsultResponse;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.helidon.dbclient.DbExecute;

/**
 * Attended transfer for the provider API (media-plane contract v1.9): consult a target while the caller
 * is held, then complete or cancel. The consult leg is recorded as a call of its own (outbound, the
 * caller's workspace, bot and stream, so the bot gets a second stream for the target) before its INVITE
 * leaves; the caller's record names it in {@code consult-requested} and the media-plane's
 * {@code consult-<step>} events, the leg's in {@code consult-of}.
 */
public final class ConsultActions implements BotConsults {

    /** What a completion did; {@code method} is {@code refer_replaces} or {@code media_bridge}. */
    public record Completion(String method, boolean completed, int referStatus, String reason) {
    }

    /**
     * What the one asking for a consult adds: the leg's longest life after its answer in seconds (0: none),
     * whether its From hides the caller's number (an agent's private call), and rows written in the
     * transaction that records the leg.
     */
    public record LegTerms(int maxDurationSeconds, boolean anonymous, BiConsumer<DbExecute, CallRecord> alongside) {
        public static final LegTerms NONE = new LegTerms(0, false, (tx, leg) -> { });
    }

    /** RFC 3323 section 4.1.1.3's anonymous From. */
    static final String ANONYMOUS_FROM = "sip:anonymous@anonymous.invalid";

    /** The {@code hold} choice that asks for no clip (also the default). */
    public static final String SILENCE = "silence";

    private final CallStore store;
    private final CallActions actions;
    private final RingingSounds sounds;
    private final SecureRandom random = new SecureRandom();

    /** {@code sounds}: its clip folder ({@code patchbay.control.early-media.clips}) holds the hold clips too. */
    public ConsultActions(CallStore store, CallActions actions, RingingSounds sounds) {
        this.store = store;
        this.actions = actions;
        this.sounds = sounds;
    }

    /**
     * Records the consult leg and asks the call's node to INVITE {@code to}; returns the leg's record at once.
     * The leg's answer or failure arrives as the caller's {@code consult-answered} / {@code consult-failed}.
     */
    public CallRecord consult(CallRecord call, String to, String hold) {
        return consult(call, to, hold, LegTerms.NONE);
    }

    /**
     * The same, on {@code terms}: a cap on the leg's length and rows stored with its record (an agent's bill).
     * {@code hold} names the clip the caller hears meanwhile (a .wav in the clip folder, looped), or is null or
     * {@value #SILENCE}; 422 on {@code hold} when it cannot be played.
     */
    public CallRecord consult(CallRecord call, String to, String hold, LegTerms terms) {
        String target = CallActions.referTo(to);
        ByteString music = holdClip(hold);
        MediaNodeLink link = actions.live(call, true);
        CallActions.Dial dial = actions.dial(call, target, target + " is a number, which is consulted");
        String legId = OutboundDialer.newCallId(random);
        String token = OutboundDialer.newAttachToken(random);
        // The leg's INVITE shows the caller's number, as a bridge's does, so the target sees who waits; its
        // record keeps the number even when the INVITE hides it.
        String caller = CallActions.callerFromUri(call);
        String from = terms.anonymous() ? ANONYMOUS_FROM : caller;
        CallRecord leg = new CallRecord(legId, call.workspaceId(), call.botId(), Direction.OUTBOUND, CallStatus.QUEUED,
                caller == null ? call.to() : call.from(), target, null, call.mediaNode(), token, call.stream(), null, null,
                null, null, null, store.now(), null, null);
        store.insert(leg, null, null, "consult leg of " + call.id() + " on " + call.mediaNode(),
                tx -> terms.alongside().accept(tx, leg));
        store.event(legId, "consult-of", call.id());
        store.event(call.id(), "consult-requested", legId + " to " + target);
        ConsultRequest.Builder request = ConsultRequest.newBuilder().setCallId(call.id()).setTargetUri(dial.uri())
                .setConsultCallId(legId).setConsultAttachToken(token).setMaxDurationSeconds(terms.maxDurationSeconds())
                .setAuthUsername(dial.username() == null ? "" : dial.username())
                .setAuthPassword(dial.password() == null ? "" : dial.password());
        if (from != null) {
            request.setFromUri(from);
        }
        if (music != null) {
            request.setHoldWav(music);
        }
        MediaPlaneGrpc.newStub(link.channel()).withDeadlineAfter(3, TimeUnit.MINUTES).consult(request.build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(ConsultResponse r) {
                        if (r.getSipStatus() >= 300) {
                            // The node reports the leg's end on Control too; whichever comes first ends the record.
                            store.end(legId, CallStatus.FAILED, "error", r.getSipStatus(), r.getReason(), null);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        String why = "the media-plane refused the consult: " + Status.fromThrowable(t).getCode() + " "
                                + Status.fromThrowable(t).getDescription();
                        store.end(legId, CallStatus.FAILED, "error", 0, why, null);
                        store.event(call.id(), "consult-refused", legId + ": " + why);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return store.find(legId).orElseThrow();
    }

    /**
     * Joins the caller and the answered target: {@code method} {@code refer_replaces}, {@code media_bridge}, or
     * null for REFER/Replaces when the caller supports it and a media bridge otherwise. Waits for the outcome
     * (a REFER's final NOTIFY); 409 when there is no answered consult leg or the transfer did not complete.
     */
    public Completion complete(CallRecord call, String method) {
        ConsultCompletion wire = method == null ? ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED : switch (method) {
            case "refer_replaces" -> ConsultCompletion.REFER_REPLACES;
            case "media_bridge" -> ConsultCompletion.MEDIA_BRIDGE;
            default -> throw new CallActions.Refused(422, "method", "method must be refer_replaces or media_bridge,"
                    + " or absent for REFER/Replaces where the caller supports it and a media bridge otherwise");
        };
        MediaNodeLink link = actions.live(call, true);
        store.event(call.id(), "consult-complete-requested", method == null ? "auto" : method);
        CompleteConsultResponse r = inConsult(() -> MediaPlaneGrpc.newBlockingStub(link.channel())
                .withDeadlineAfter(40, TimeUnit.SECONDS)
                .completeConsult(CompleteConsultRequest.newBuilder().setCallId(call.id()).setMethod(wire).build()));
        Completion done = new Completion(r.getMethod().name().toLowerCase(Locale.ROOT), r.getCompleted(),
                r.getReferStatus(), r.getReason());
        if (!done.completed()) {
            throw new CallActions.Refused(409, "method", "the transfer did not complete (" + done.method() + ", "
                    + done.reason() + "); the consult goes on: complete it by media_bridge or cancel it");
        }
        return done;
    }

    /** Hangs up the consult leg and returns the caller to the bot; the leg's id. */
    public String cancel(CallRecord call) {
        MediaNodeLink link = actions.live(call, true);
        store.event(call.id(), "consult-cancel-requested", null);
        return inConsult(() -> MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .cancelConsult(CancelConsultRequest.newBuilder().setCallId(call.id()).build())).getConsultCallId();
    }

    @Override
    public void botConsult(CallRecord call, String action, String to, String method, String hold) {
        try {
            switch (action) {
                case "start" -> consult(call, to, hold);
                case "complete" -> store.event(call.id(), "consult-complete-result", complete(call, method).method());
                case "cancel" -> cancel(call);
                default -> throw new CallActions.Refused(422, "action", "consult action must be start, complete or cancel");
            }
        } catch (CallActions.Refused e) {
            store.event(call.id(), "consult-refused", action + ": " + e.getMessage());
        }
    }

    /** The hold clip's WAV, or null for silence; refused 422 on {@code hold} before anything is recorded. */
    private ByteString holdClip(String hold) {
        if (hold == null || hold.equals(SILENCE)) {
            return null;
        }
        try {
            return ByteString.copyFrom(sounds.clip(hold));
        } catch (IOException | IllegalArgumentException e) {
            // The folder's path stays out of the answer: the caller of the API has no business with it.
            String why = e instanceof IllegalArgumentException ? e.getMessage() : "no readable clip of that name";
            throw new CallActions.Refused(422, "hold", "hold clip '" + hold + "' cannot be played (" + why + "): name a .wav"
                    + " file in the clip folder (" + RingingSounds.CLIPS_KEY + "), or \"" + SILENCE + "\"");
        }
    }

    /** A media-plane FAILED_PRECONDITION here means the call's consult state conflicts: 409, not 422. */
    private static <T> T inConsult(Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                throw new CallActions.Refused(409, null, "the media-plane refused: " + e.getStatus().getDescription());
            }
            return CallActions.rpcResult(() -> {
                throw e;
            });
        }
    }
}
