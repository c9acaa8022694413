package dev.patchbay.media.call;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;

import dev.patchbay.media.loop.AudioUplink;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.loop.MediaLoop;
import dev.patchbay.media.loop.MediaStats;
import dev.patchbay.media.playout.EarlyAudio;
import dev.patchbay.media.record.CallRecorder;
import dev.patchbay.media.loop.NanoClock;
import dev.patchbay.media.record.RecordingWriter;
import dev.patchbay.media.rtp.RtpPortPool;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.proto.media.v1.BotInfoSent;
import dev.patchbay.proto.media.v1.CallHangup;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.CallRinging;
import dev.patchbay.proto.media.v1.ConsultProgress;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.InfoReceived;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.RouteDecision;

/**
 * Carries out each call's life: offer to the control-plane, its decision, media start, and one
 * clean end whatever ends it (BYE, CANCEL, a timeout, the bot, shutdown). Every end path goes
 * through {@link #end}, which is idempotent and always gives the RTP port back.
 */
public final class CallManager {

    private static final Logger LOG = Logger.getLogger(CallManager.class.getName());

    private final RtpPortPool ports;
    private final CallTimers timers;
    private final CallPolicy policy;
    private final NanoClock clock;
    private final CallRegistry calls;
    private final CallAnswering answering;
    private volatile CallSignalling signalling;
    private volatile ControlChannel control;
    private volatile boolean draining;
    private volatile CallTally tally = CallTally.NONE;

    /** @param clock what call timings (setup time, duration, the drain's deadline) are read from */
    public CallManager(RtpPortPool ports, List<MediaLoop> loops, ScheduledExecutorService timers, CallPolicy policy,
                       RecordingWriter recordings, NanoClock clock) {
        this.ports = ports;
        this.timers = new CallTimers(timers, policy, this::end);
        this.policy = policy;
        this.clock = clock;
        this.calls = new CallRegistry(clock);
        this.answering = new CallAnswering(this, ports, List.copyOf(loops), this.timers, policy, recordings);
    }

    public void connect(CallSignalling signalling, ControlChannel control) {
        this.signalling = signalling;
        this.control = control;
    }

    /** Where call events are counted for metrics; {@link CallTally#NONE} until set. */
    public void tally(CallTally tally) {
        this.tally = tally;
    }

    public CallTally tally() {
        return tally;
    }

    /** The clock call timings are read from; the media loops read the same. */
    public NanoClock clock() {
        return clock;
    }

    CallSignalling signalling() {
        return signalling;
    }

    ControlChannel control() {
        return control;
    }

    /** Calls in progress by state, for the metrics; a snapshot, so only for scrapes. */
    public Map<String, Integer> countByState() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Call call : calls.snapshot()) {
            counts.merge(call.state().getClass().getSimpleName().toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        return counts;
    }

    // ---- lookups -------------------------------------------------------------------------------

    public Optional<Call> byId(String callId) {
        return calls.byId(callId);
    }

    public Optional<Call> bySipCallId(String sipCallId) {
        return calls.bySipCallId(sipCallId);
    }

    public int activeCalls() {
        return calls.size();
    }

    /** Calls ended so far with {@code cause}, since start. */
    public long endedWith(HangupCause cause) {
        return calls.endedWith(cause);
    }

    /** A snapshot of the calls in progress. */
    public List<Call> active() {
        return calls.snapshot();
    }

    public RtpPortPool ports() {
        return ports;
    }

    // ---- life cycle ----------------------------------------------------------------------------

    /**
     * Why a new call cannot be taken now, or null if it can. Checked before anything is allocated,
     * so a refused INVITE costs nothing but its 503.
     */
    public String refusal() {
        if (draining) {
            return "this media-plane is shutting down; try another node";
        }
        if (calls.size() >= policy.maxCalls()) {
            return "call limit of " + policy.maxCalls() + " reached (patchbay.call.max)";
        }
        return null;
    }

    /**
     * Refuses new calls and waits, up to {@code timeout}, for the calls in progress to end by
     * themselves; whatever is left is then hung up.
     *
     * @return how many calls were still up at the deadline and were hung up
     */
    public int drain(Duration timeout) throws InterruptedException {
        draining = true;
        long deadline = clock.nanos() + timeout.toNanos();
        while (calls.size() > 0 && clock.nanos() < deadline) {
            Thread.sleep(50);
        }
        int left = calls.size();
        if (left > 0) {
            LOG.info(() -> left + " calls still up after draining for " + timeout.toSeconds() + " s; hanging up");
            endAll("media-plane is shutting down");
        }
        return left;
    }

    /** Registers a new inbound call. The caller then fills in and sends the offer with {@link #offer}. */
    public Call newCall(String sipCallId, Negotiated negotiated, String localAddress, Object sipContext) {
        return calls.register(calls.newId(), "", sipCallId, negotiated, localAddress, sipContext);
    }

    /** A call the start-up rehearsal builds and drops: never registered, offered, timed or counted. */
    public Call rehearsal(String sipCallId, Negotiated negotiated, String localAddress, Object sipContext) {
        return calls.unregistered(calls.newId(), "", sipCallId, negotiated, localAddress, sipContext);
    }

    /**
     * Registers a call Patchbay places. Its RTP socket is bound now, for the offer; the codec comes
     * with the answer ({@link #outboundAnswered}).
     */
    public Call newOutboundCall(String requestedId, String token, String sipCallId, String localAddress,
                                Object sipContext, RtpPortPool.RtpSocket socket) {
        Call call = requestedId.isEmpty() && token.isEmpty() ? newCall(sipCallId, null, localAddress, sipContext)
                : calls.register(requestedId.isEmpty() ? calls.newId() : requestedId, token, sipCallId, null, localAddress,
                        sipContext);
        call.markOutbound();
        call.reserve(socket);
        return call;
    }

    /** The far end is ringing (180/183). */
    public void outboundRinging(Call call, int sipStatus) {
        if (call.transition(CallState.Offered.class, new CallState.Ringing())) {
            control.event(call, ControlEvent.newBuilder().setRinging(
                    CallRinging.newBuilder().setSipStatus(sipStatus)));
        }
    }

    /** The far end answered with {@code answer}; ACK has been sent, so the call is confirmed at once. */
    public void outboundAnswered(Call call, Negotiated answer) {
        answering.outboundAnswered(call, answer);
    }


    /** Asks the control-plane what to do; rejects with 503 when none is connected or its stream is backed up. */
    public void offer(Call call, CallOffered offered) {
        // The timer starts before the offer leaves: once it has, the decision, the 200 OK and the ACK
        // may all happen on other threads before this one runs again, and a timer set after them
        // would hang up a live call. Answering replaces it; the state check is a second guard.
        timers.routeDecision(call);
        switch (control.offer(call, offered)) {
            case SENT -> { }
            case NO_CONTROL_PLANE -> end(call, HangupCause.ROUTE_TIMEOUT, 503, "no control-plane is connected to this media-plane");
            case BACKED_UP -> {
                call.silence(); // the control-plane never heard of it: no hang-up for it to look up under load
                end(call, HangupCause.ROUTE_TIMEOUT, 503, "the control-plane's stream is backed up; retry shortly");
            }
        }
    }

    /** Carries out a control-plane decision. Decisions for unknown or ended calls are ignored. */
    public void decide(RouteDecision decision) {
        Call call = calls.byId(decision.getCallId()).orElse(null);
        if (call == null || call.outbound()) {
            return; // route decisions are for offered calls only
        }
        if (decision.getActionCase() != RouteDecision.ActionCase.REJECT
                && TrunkCodecs.apply(call, decision.getCodecsList()) instanceof TrunkCodecs.Outcome.Refuse r) {
            end(call, r.sipStatus() == 488 ? HangupCause.NOT_ACCEPTABLE : HangupCause.ERROR, r.sipStatus(), r.reason());
            return;
        }
        switch (decision.getActionCase()) {
            case REJECT -> {
                var r = decision.getReject();
                call.rejectHeaders(r.getHeadersList()); // sent with the final response, e.g. a 401's challenge
                end(call, HangupCause.REJECTED, r.getSipStatus() >= 400 && r.getSipStatus() <= 699 ? r.getSipStatus() : 603, r.getReason());
            }
            case RING -> {
                if (decision.getRing().hasEarlyMedia()) {
                    answering.ringWithEarlyMedia(call, decision.getRing().getEarlyMedia());
                } else if (call.transition(CallState.Offered.class, new CallState.Ringing())) {
                    signalling.ring(call);
                    timers.ring(call);
                }
            }
            case ANSWER -> {
                call.dtmfMethod(decision.getAnswer().getDtmfMethod());
                call.botInfoMaxBytes(decision.getAnswer().getBotInfoMaxBytes());
                answering.answer(call, decision.getAnswer().getRecord());
            }
            default -> LOG.warning(() -> "route decision for " + call + " has no action; ignored");
        }
    }

    /** The ACK of a late-offer call carried an acceptable answer: the call is confirmed and its media starts. */
    public void lateAnswered(Call call, Negotiated answer) {
        answering.lateAnswered(call, answer);
    }


    public void acked(Call call) {
        if (call.transition(CallState.Answered.class, new CallState.Confirmed())) {
            call.timer(null);
        }
    }

    /**
     * The attached bot's stream broke without closing: a control-plane replica died, or the
     * network between them failed. The call keeps its media and waits for a bot to attach again;
     * if none does within the grace period, it is hung up. A bot that closes its stream on purpose
     * ends the call at once instead (see botaudio.AudioSession).
     */
    public void botLost(Call call, AudioUplink uplink, String reason) {
        CallMedia media = call.media();
        if (media != null) {
            media.detach(uplink);
        }
        int seen = call.attachments();
        LOG.info(() -> "call " + call.id() + ": " + reason + "; waiting " + policy.reattachGrace().toMillis()
                + " ms for a bot to re-attach");
        timers.reattach(call, seen, reason);
    }

    /**
     * Ends a call exactly once: answers the INVITE or sends BYE as the state requires, stops media,
     * returns the port and reports the hang-up. Safe to call from any thread, any number of times.
     */
    public void end(Call call, HangupCause cause, int sipStatus, String reason) {
        CallState before = call.end(new CallState.Ended(cause, sipStatus, reason));
        if (before == null) {
            return;
        }
        call.timer(null);
        call.refreshTimer(null);
        if (!before.answered() && cause != HangupCause.CALLER_CANCEL) {
            signalling.reject(call, sipStatus, reason);
        } else if (before.answered() && cause != HangupCause.CALLER_BYE) {
            signalling.bye(call, reason);
        }
        CallMedia media = call.media();
        RtpPortPool.RtpSocket reserved = call.takeReserved();
        if (reserved != null) {
            ports.release(reserved); // an outbound call that never got media
        }
        if (media == null) {
            AudioUplink early = call.takePendingUplink();
            if (early != null) {
                early.ended(cause, reason);
            }
            finish(call, cause, sipStatus, reason, MediaStats.NONE);
            tally.ended(cause, call.outbound(), before.answered() ? 0 : sipStatus, MediaStats.NONE, 0);
        } else {
            media.stop(cause, reason, ports::release).thenAccept(stats -> {
                finish(call, cause, sipStatus, reason, stats);
                tally.ended(cause, call.outbound(), before.answered() ? 0 : sipStatus, stats, media.jitterDelayMs());
            });
        }
    }

    private void finish(Call call, HangupCause cause, int sipStatus, String reason, MediaStats stats) {
        calls.remove(call, cause);
        control.event(call, ControlEvent.newBuilder().setHangup(CallHangup.newBuilder()
                .setCause(cause).setSipStatus(sipStatus).setReason(reason == null ? "" : reason)
                .setRecordingPath(call.recording()).setStats(stats.toProto())));
    }

    /**
     * Transfers an answered call blindly. On success the call leaves Patchbay: it is ended with
     * cause TRANSFERRED (BYE, as RFC 5589 recommends for the transferor).
     */
    public CompletableFuture<TransferOutcome> transfer(Call call, String target) {
        return signalling.transfer(call, target).thenApply(outcome -> {
            if (outcome.status() >= 200 && outcome.status() < 300) {
                end(call, HangupCause.TRANSFERRED, 200, "transferred to " + target);
            }
            return outcome;
        });
    }

    /** See {@link CallSignalling#takesReplaces}. */
    public boolean takesReplaces(Call call) {
        return signalling.takesReplaces(call);
    }

    /** REFER with Replaces ({@link CallSignalling#transferReplacing}); a 2xx ends {@code call} as TRANSFERRED. */
    public CompletableFuture<TransferOutcome> transferReplacing(Call call, Call consult) {
        return signalling.transferReplacing(call, consult).thenApply(outcome -> {
            if (outcome.status() >= 200 && outcome.status() < 300) {
                end(call, HangupCause.TRANSFERRED, 200, "transferred to the consult leg " + consult.id());
            }
            return outcome;
        });
    }

    /** A step of {@code call}'s attended transfer, for its record. */
    public void consultProgress(Call call, ConsultProgress.Builder progress) {
        control.event(call, ControlEvent.newBuilder().setConsult(progress));
    }

    /** Places an outbound call, running {@code beforeInvite} before its INVITE leaves; see {@link CallSignalling#place}. */
    public Call place(PlaceCallRequest request, Consumer<Call> beforeInvite) {
        return signalling.place(request, beforeInvite);
    }

    /** Holds or resumes an answered call by re-INVITE; see {@link CallSignalling#hold}. */
    public CompletableFuture<Integer> hold(Call call, boolean hold) {
        return signalling.hold(call, hold);
    }

    /** Sends INFO in an answered call; see {@link CallSignalling#info}. */
    public CompletableFuture<Integer> info(Call call, String contentType, byte[] body) {
        return signalling.info(call, contentType, body);
    }

    /** The bot's INFO was answered: the control-plane records it and, after a final one, awaits the far end's BYE. */
    public void botInfoSent(Call call, int sipStatus, boolean isFinal, int bytes) {
        control.event(call, ControlEvent.newBuilder().setBotInfo(BotInfoSent.newBuilder()
                .setSipStatus(sipStatus).setIsFinal(isFinal).setBytes(bytes)));
    }

    /** The caller sent INFO with a non-DTMF body: the control-plane decides what it means. */
    public void infoReceived(Call call, String contentType, byte[] body) {
        control.event(call, ControlEvent.newBuilder().setInfo(InfoReceived.newBuilder()
                .setContentType(contentType).setBody(ByteString.copyFrom(body))));
    }

    /** (Re)starts a call's session-timer deadline: without a refresh by then, the call is hung up. */
    public void expectRefreshWithin(Call call, long millis, int intervalSeconds) {
        timers.refresh(call, millis, intervalSeconds);
    }

    /** Ends every call, for shutdown. */
    public void endAll(String reason) {
        for (Call call : calls.snapshot()) {
            end(call, HangupCause.SHUTDOWN, 503, reason);
        }
    }
}
