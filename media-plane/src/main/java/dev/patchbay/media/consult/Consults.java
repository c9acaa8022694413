package dev.patchbay.media.consult;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.patchbay.media.bridge.CallBridges;
import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallState;
import dev.patchbay.media.playout.EarlyAudio;
import dev.patchbay.proto.media.v1.CompleteConsultResponse;
import dev.patchbay.proto.media.v1.ConsultCompletion;
import dev.patchbay.proto.media.v1.ConsultRequest;
import dev.patchbay.proto.media.v1.ConsultResponse;
import dev.patchbay.proto.media.v1.ConsultStep;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.PlaceCallRequest;

/**
 * Attended transfers (Consult, CompleteConsult, CancelConsult): one consultation per caller at a time,
 * holding the call's bridge slot, so a call is never consulting and bridged at once.
 */
public final class Consults {

    private static final Logger LOG = Logger.getLogger(Consults.class.getName());

    /** How long the consult leg may ring, as a bridge's second leg may. */
    static final int RING_TIMEOUT_SECONDS = 60;
    /**
     * After a REFER/Replaces succeeded the target ends our consult dialog itself (RFC 5589 section 7.1);
     * one that has not by then gets our BYE.
     */
    static final int REPLACED_BYE_SECONDS = 5;

    /** A request that cannot be carried out now; the message says why and what to do. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final CallManager calls;
    private final ConcurrentHashMap<String, Consultation> byCaller = new ConcurrentHashMap<>();

    public Consults(CallManager calls) {
        this.calls = calls;
    }

    /**
     * Holds the answered {@code caller} and places the consult leg.
     *
     * @param music hold music in the caller's law, or null for silence
     * @return completes once the leg is answered (2xx) or has failed (the caller is back with the bot)
     * @throws CallBridges.Invalid for a malformed target
     * @throws Refused when the call is already consulting or bridged
     */
    public CompletableFuture<ConsultResponse> consult(Call caller, ConsultRequest r, EarlyAudio music)
            throws CallBridges.Invalid, Refused {
        PlaceCallRequest place = CallBridges.legRequest(caller, r.getTargetUri(), r.getFromUri(), r.getTransport())
                .setAuthUsername(r.getAuthUsername()).setAuthPassword(r.getAuthPassword())
                .setCallId(r.getConsultCallId()).setAttachToken(r.getConsultAttachToken())
                .setMaxDurationSeconds(r.getMaxDurationSeconds()).build();
        if (!caller.claimBridge()) {
            throw new Refused("call " + caller.id() + " is already consulting or bridged; cancel or complete that first");
        }
        Consultation c = new Consultation(calls, caller);
        byCaller.put(caller.id(), c);
        c.hold(music);
        Call leg;
        try {
            leg = calls.place(place, placed -> {
                c.begin(placed);
                c.report(ConsultStep.CONSULT_STARTED, placed, 0, ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED, r.getTargetUri());
                placed.owner(caller.owner()); // its events go to the replica that runs the caller's call
                placed.onAnswer(() -> answered(c, placed));
                placed.onEnd(() -> legEnded(c, placed));
            });
        } catch (IllegalArgumentException e) {
            byCaller.remove(caller.id(), c);
            c.unhold();
            throw new CallBridges.Invalid("cannot place the consult leg: " + e.getMessage());
        }
        caller.onEnd(() -> callerEnded(c));
        CompletableFuture.delayedExecutor(RING_TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(() -> {
            if (c.state() instanceof ConsultState.Placing) {
                calls.end(leg, HangupCause.ROUTE_TIMEOUT, 408, r.getTargetUri() + " did not answer within "
                        + RING_TIMEOUT_SECONDS + " s");
            }
        });
        return c.placed;
    }

    /** Joins the caller and the target; see CompleteConsultRequest. */
    public CompletableFuture<CompleteConsultResponse> complete(Call caller, ConsultCompletion asked) throws Refused {
        Consultation c = byCaller.get(caller.id());
        boolean replaces = calls.takesReplaces(caller);
        if (asked == ConsultCompletion.REFER_REPLACES && !replaces) {
            throw new Refused("the caller's INVITE did not list Supported: replaces and Allow: REFER, so REFER_REPLACES "
                    + "cannot be used; use MEDIA_BRIDGE or leave the method unspecified");
        }
        ConsultState talking = c == null ? null : c.move(ConsultState.Talking.class, new ConsultState.Completing(leg(c)));
        if (talking == null) {
            throw new Refused("call " + caller.id() + " has no answered consult leg; place one with Consult and wait for its answer");
        }
        Call leg = ((ConsultState.Talking) talking).leg();
        if (asked == ConsultCompletion.MEDIA_BRIDGE || !replaces) {
            byCaller.remove(caller.id(), c);
            return CompletableFuture.completedFuture(ConsultJoin.bridge(calls, c, leg, 0, ""));
        }
        return calls.transferReplacing(caller, leg).thenApply(outcome -> {
            int status = outcome.status();
            if (status >= 200 && status < 300) {
                return referred(c, leg, status);
            }
            String why = (outcome.referRefused() ? "the caller refused the REFER with " : "the caller's INVITE with Replaces got ")
                    + status;
            if (asked == ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED && c.callerUp() && !(leg.state() instanceof CallState.Ended)) {
                LOG.info(() -> "call " + caller.id() + ": " + why + "; bridging the consult leg on this node instead");
                byCaller.remove(caller.id(), c);
                return ConsultJoin.bridge(calls, c, leg, status, why + "; bridged on this node instead");
            }
            if (!c.callerUp() && c.move(ConsultState.Completing.class, new ConsultState.Over()) != null) {
                byCaller.remove(caller.id(), c); // the caller hung up while the REFER ran
                c.report(ConsultStep.CONSULT_CALLER_LEFT, leg, status, ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED, why);
                calls.end(leg, HangupCause.BRIDGE_ENDED, 200, "the caller hung up during the transfer");
            }
            if (c.move(ConsultState.Completing.class, new ConsultState.Talking(leg)) != null && leg.state() instanceof CallState.Ended) {
                legEnded(c, leg); // the target left while the REFER ran: the caller goes back to the bot
            }
            return CompleteConsultResponse.newBuilder().setMethod(ConsultCompletion.REFER_REPLACES).setReferStatus(status)
                    .setCompleted(false).setReason(why).build();
        });
    }

    /** Hangs up the consult leg and returns the caller to the bot; the leg's id. */
    public String cancel(Call caller) throws Refused {
        Consultation c = byCaller.get(caller.id());
        ConsultState before = c == null ? null : c.move(ConsultState.Placing.class, new ConsultState.Over());
        if (before == null && c != null) {
            before = c.move(ConsultState.Talking.class, new ConsultState.Over());
        }
        if (before == null) {
            throw new Refused("call " + caller.id() + " has no consult leg to cancel (none placed, or it is completing or over)");
        }
        Call leg = leg(before);
        byCaller.remove(caller.id(), c);
        calls.end(leg, HangupCause.BOT_HANGUP, 200, "the consultation was cancelled");
        c.unhold();
        c.report(ConsultStep.CONSULT_CANCELLED, leg, 0, ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED, "cancelled by the bot");
        c.placed.complete(ConsultResponse.newBuilder().setSipStatus(487).setConsultCallId(leg.id())
                .setReason("cancelled by the bot").build());
        return leg.id();
    }

    private CompleteConsultResponse referred(Consultation c, Call leg, int status) {
        c.move(ConsultState.Completing.class, new ConsultState.Joined(leg, ConsultCompletion.REFER_REPLACES));
        byCaller.remove(c.caller.id(), c);
        String why = "the caller's INVITE with Replaces reached the target (" + status + ")";
        c.report(ConsultStep.CONSULT_COMPLETED, leg, status, ConsultCompletion.REFER_REPLACES, why);
        leg.listenOnly(true); // the bot leaving must not hang up the leg: the target ends it
        if (leg.media() != null) {
            leg.media().releaseBot(HangupCause.TRANSFERRED, "attended transfer completed by REFER with Replaces");
        }
        CompletableFuture.delayedExecutor(REPLACED_BYE_SECONDS, TimeUnit.SECONDS).execute(() -> calls.end(leg,
                HangupCause.TRANSFERRED, 200, "replaced by the caller's INVITE, but the target did not end this dialog"));
        return CompleteConsultResponse.newBuilder().setMethod(ConsultCompletion.REFER_REPLACES).setReferStatus(status)
                .setCompleted(true).setReason(why).build();
    }

    private void answered(Consultation c, Call leg) {
        if (c.move(ConsultState.Placing.class, new ConsultState.Talking(leg)) != null) {
            c.report(ConsultStep.CONSULT_ANSWERED, leg, 200, ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED, "");
            c.placed.complete(ConsultResponse.newBuilder().setSipStatus(200).setConsultCallId(leg.id())
                    .setAttachToken(leg.attachToken()).build());
        }
    }

    /** The consult leg ended: before its answer a failure, while talking the target leaving, once bridged the end. */
    private void legEnded(Consultation c, Call leg) {
        String reason = leg.state() instanceof CallState.Ended e ? e.reason() : "";
        int status = leg.state() instanceof CallState.Ended e ? e.sipStatus() : 0;
        if (c.move(ConsultState.Placing.class, new ConsultState.Over()) != null) {
            byCaller.remove(c.caller.id(), c);
            c.unhold();
            int failed = status >= 300 ? status : 487; // given up by us: 487, as the target saw it after our CANCEL
            c.report(ConsultStep.CONSULT_FAILED, leg, failed, ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED, reason);
            c.placed.complete(ConsultResponse.newBuilder().setSipStatus(failed).setConsultCallId(leg.id())
                    .setReason(reason == null ? "" : reason).build());
        } else if (c.move(ConsultState.Talking.class, new ConsultState.Over()) != null) {
            byCaller.remove(c.caller.id(), c);
            c.unhold();
            c.report(ConsultStep.CONSULT_TARGET_LEFT, leg, status, ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED, reason);
        } else if (c.state() instanceof ConsultState.Joined j && j.method() == ConsultCompletion.MEDIA_BRIDGE) {
            calls.end(c.caller, HangupCause.BRIDGE_ENDED, 200, "the transfer target hung up: " + reason);
        }
    }

    /** The caller ended: a consult leg not yet joined to it is hung up; a bridged one follows it. */
    private void callerEnded(Consultation c) {
        ConsultState s = c.state();
        if (s instanceof ConsultState.Placing || s instanceof ConsultState.Talking) {
            if (c.move(s.getClass(), new ConsultState.Over()) != null) {
                byCaller.remove(c.caller.id(), c);
                c.report(ConsultStep.CONSULT_CALLER_LEFT, leg(s), 0, ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED, "");
                calls.end(leg(s), HangupCause.BRIDGE_ENDED, 200, "the caller hung up during the consultation");
            }
        } else if (s instanceof ConsultState.Joined j && j.method() == ConsultCompletion.MEDIA_BRIDGE) {
            calls.end(j.leg(), HangupCause.BRIDGE_ENDED, 200, "the transferred caller hung up");
        }
    }

    private static Call leg(Consultation c) {
        return leg(c.state());
    }

    private static Call leg(ConsultState s) {
        return switch (s) {
            case ConsultState.Placing p -> p.leg();
            case ConsultState.Talking t -> t.leg();
            case ConsultState.Completing k -> k.leg();
            case ConsultState.Joined j -> j.leg();
            case ConsultState.Over o -> null;
            case null -> null;
        };
    }
}
