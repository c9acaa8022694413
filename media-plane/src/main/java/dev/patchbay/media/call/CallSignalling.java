package dev.patchbay.media.call;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.patchbay.proto.media.v1.PlaceCallRequest;

/** The SIP actions a call decision needs. Implemented by the SIP layer, used by {@link CallManager}. */
public interface CallSignalling {

    /** Sends 180 Ringing, reliably (RFC 3262) when the caller asked for 100rel. */
    void ring(Call call);

    /** Sends 183 Session Progress with the SDP answer (early media), reliably when the caller asked for 100rel. */
    void progress(Call call, String sdpAnswer);

    /** Sends 200 OK with the SDP answer. */
    void answer(Call call, String sdpAnswer);

    /**
     * Late offer: the INVITE had no SDP, so the 200 OK carries our offer for RTP on {@code localPort}
     * and the answer comes in the ACK, which then calls {@link CallManager#lateAnswered} or ends the call.
     */
    default void answerWithOffer(Call call, int localPort) {
        throw new IllegalStateException("this signalling cannot answer an INVITE without SDP");
    }

    /** Sends a final error response to the INVITE, with a Reason header. */
    void reject(Call call, int status, String reason);

    /** Ends an answered call with BYE. */
    void bye(Call call, String reason);

    /** Blind transfer by REFER; completes with the target's final status, or REFER's refusal marked as such. */
    CompletableFuture<TransferOutcome> transfer(Call call, String target);

    /** Whether the caller's INVITE advertised RFC 3891 (Supported: replaces) and REFER (Allow). */
    default boolean takesReplaces(Call call) {
        return false;
    }

    /**
     * Attended transfer: REFER to {@code call}'s far end with Refer-To naming {@code consult}'s far end and a
     * Replaces of the consult dialog (RFC 3891); completes as {@link #transfer} does.
     */
    default CompletableFuture<TransferOutcome> transferReplacing(Call call, Call consult) {
        return CompletableFuture.completedFuture(new TransferOutcome(501, true));
    }

    /**
     * Places a call through a trunk and returns it at once; progress arrives as call events.
     * {@code beforeInvite} runs once the call exists and before its INVITE leaves: a trunk may answer
     * (even 486) before this method returns, so whatever must hear of that is set up there.
     *
     * @throws IllegalArgumentException naming the field at fault, when the call cannot be placed
     */
    Call place(PlaceCallRequest request, Consumer<Call> beforeInvite);

    /**
     * Holds (a=sendonly) or resumes (a=sendrecv) an answered call by re-INVITE; completes with the
     * final status. Completes exceptionally with IllegalStateException, naming why, when a re-INVITE
     * of this call is already pending (the local 491).
     */
    CompletableFuture<Integer> hold(Call call, boolean hold);

    /** Sends INFO in an answered call; completes with the final SIP status of the response. */
    CompletableFuture<Integer> info(Call call, String contentType, byte[] body);
}
