package dev.patchbay.media.call;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import dev.patchbay.media.loop.AudioUplink;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.playout.EarlyAudio;
import dev.patchbay.media.loop.MediaLoop;
import dev.patchbay.media.loop.MediaPipeline;
import dev.patchbay.media.loop.MediaStats;
import dev.patchbay.media.record.CallRecorder;
import dev.patchbay.media.record.RecordingWriter;
import dev.patchbay.media.rtp.RtpPortPool;
import dev.patchbay.media.sdp.AnswerWriter;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.proto.media.v1.CallAnswered;
import dev.patchbay.proto.media.v1.CallHangup;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.Codec;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.RouteDecision;

/**
 * Carries out each call's life: offer to the control-plane, its decision, media start, and one
 * clean end whatever ends it (BYE, CANCEL, a timeout, the bot, shutdown). Every end path goes
 * through {@link #end}, which is idempotent and always gives the RTP port back.
 */
public final class CallManager {

    private static final Logger LOG = Logger.getLogger(CallManager.class.getName());

    private final RtpPortPool ports;
    private final List<MediaLoop> loops;
    private final CallTimers timers;
    private final CallPolicy policy;
    private final RecordingWriter recordings;
    private final CallRegistry calls = new CallRegistry();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private volatile CallSignalling signalling;
    private volatile ControlChannel control;
    private volatile boolean draining;
    private volatile CallTally tally = CallTally.NONE;

    public CallManager(RtpPortPool ports, List<MediaLoop> loops, ScheduledExecutorService timers, CallPolicy policy,
                       RecordingWriter recordings) {
        this.recordings = recordings;
        this.ports = ports;
        this.loops = List.copyOf(loops);
        this.timers = new CallTimers(timers, policy, this::end);
        this.policy = policy;
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

    /** Calls in progress by state, for the metrics; a snapshot, so only for scrapes. */
    public java.util.Map<String, Integer> countByState() {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Call call : calls.snapshot()) {
            counts.merge(call.state().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
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
        long deadline = System.nanoTime() + timeout.toNanos();
        while (calls.size() > 0 && System.nanoTime() < deadline) {
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
                    dev.patchbay.proto.media.v1.CallRinging.newBuilder().setSipStatus(sipStatus)));
        }
    }

    /** The far end answered with {@code answer}; ACK has been sent, so the call is confirmed at once. */
    public void outboundAnswered(Call call, Negotiated answer) {
        CallState before = call.state();
        RtpPortPool.RtpSocket socket = call.takeReserved();
        if (socket == null || !(before instanceof CallState.Offered || before instanceof CallState.Ringing)
                || !call.transition(before.getClass(), new CallState.Confirmed())) {
            if (socket != null) {
                ports.release(socket);
            }
            return;
        }
        call.negotiated(answer);
        CallMedia media = media(call, socket, answer, call.outboundOptions().record());
        call.media(media);
        int limit = call.outboundOptions().maxDurationSeconds();
        if (limit > 0) { // the timer slot is free: an outbound call is confirmed at once and waits for no ACK
            timers.maxDuration(call, limit);
        }
        media.start();
        answeredEvent(call, answer);
    }

    /** The media of a call being answered, on the next loop, recording from the start if asked. */
    private CallMedia media(Call call, RtpPortPool.RtpSocket socket, Negotiated n, boolean record) {
        MediaLoop loop = loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
        CallMedia media = MediaPipeline.build(loop, socket, n, policy.playoutFrames(), policy.rtpTimeout(), policy.jitterMaxMs(),
                new CallMediaEvents(this, control, call));
        if (record) {
            recordFromNow(call, media);
        }
        return media;
    }

    private void recordFromNow(Call call, CallMedia media) {
        CallRecorder recorder = new CallRecorder(policy.recordings().resolve(call.id() + ".wav"),
                !call.negotiated().audio().is("PCMA"));
        recordings.add(recorder);
        media.record(recorder);
        call.recording(recorder.path().toString());
    }

    private void answeredEvent(Call call, Negotiated n) {
        tally.answered(call.nanosSinceCreated(), call.outbound());
        control.event(call, ControlEvent.newBuilder().setAnswered(CallAnswered.newBuilder()
                .setCodec(Codec.newBuilder().setName(n.audio().encoding()).setPayloadType(n.audio().payloadType())
                        .setClockRate(n.audio().clockRate())).setPtimeMs(n.callerPtimeMs())));
    }

    /** Asks the control-plane what to do; rejects with 503 when none is connected. */
    public void offer(Call call, CallOffered offered) {
        // The timer starts before the offer leaves: once it has, the decision, the 200 OK and the ACK
        // may all happen on other threads before this one runs again, and a timer set after them
        // would hang up a live call. Answering replaces it; the state check is a second guard.
        timers.routeDecision(call);
        if (!control.offer(call, offered)) {
            end(call, HangupCause.ROUTE_TIMEOUT, 503, "no control-plane is connected to this media-plane");
        }
    }

    /** Carries out a control-plane decision. Decisions for unknown or ended calls are ignored. */
    public void decide(RouteDecision decision) {
        Call call = calls.byId(decision.getCallId()).orElse(null);
        if (call == null || call.outbound()) {
            return; // route decisions are for offered calls only
        }
        switch (decision.getActionCase()) {
            case REJECT -> {
                var r = decision.getReject();
                call.rejectHeaders(r.getHeadersList()); // sent with the final response, e.g. a 401's challenge
                end(call, HangupCause.REJECTED, r.getSipStatus() >= 400 && r.getSipStatus() <= 699 ? r.getSipStatus() : 603, r.getReason());
            }
            case RING -> {
                if (decision.getRing().hasEarlyMedia()) {
                    ringWithEarlyMedia(call, decision.getRing().getEarlyMedia());
                } else if (call.transition(CallState.Offered.class, new CallState.Ringing())) {
                    signalling.ring(call);
                    timers.ring(call);
                }
            }
            case ANSWER -> {
                call.dtmfMethod(decision.getAnswer().getDtmfMethod());
                answer(call, decision.getAnswer().getRecord());
            }
            default -> LOG.warning(() -> "route decision for " + call + " has no action; ignored");
        }
    }

    /**
     * 183 Session Progress with the SDP answer, and the call's media started now, playing ringback
     * or a clip until the answer reuses both. Without a free RTP port, or without an offer to answer
     * yet (an INVITE without SDP, whose offer would have to go in the 183 and its answer come in the
     * PRACK), the call rings with 180 instead.
     */
    private void ringWithEarlyMedia(Call call, dev.patchbay.proto.media.v1.EarlyMedia early) {
        if (!(call.state() instanceof CallState.Offered)) {
            return;
        }
        Optional<RtpPortPool.RtpSocket> socket = call.negotiated() == null ? Optional.empty() : ports.allocate();
        if (socket.isEmpty()) {
            LOG.warning(() -> "call " + call.id() + ": " + (call.negotiated() == null ? "no SDP offer to answer"
                    : "no RTP port") + " for early media; ringing with 180");
            if (call.transition(CallState.Offered.class, new CallState.Ringing())) {
                signalling.ring(call);
                timers.ring(call);
            }
            return;
        }
        CallMedia media = media(call, socket.get(), call.negotiated(), false);
        long session = System.currentTimeMillis();
        String sdp = AnswerWriter.write(call.negotiated(), call.localAddress(), media.localPort(), session, session);
        call.earlyMedia(media, sdp); // before the transition, so an end() racing it stops this media
        if (!call.transition(CallState.Offered.class, new CallState.Ringing())) {
            media.stop(HangupCause.CALLER_CANCEL, "the call ended before it rang", ports::release);
            return;
        }
        media.playEarly(EarlyAudio.of(EarlySounds.of(early, call), media.ulaw()));
        media.start();
        signalling.progress(call, sdp);
        timers.ring(call);
    }

    private void answer(Call call, boolean record) {
        CallState before = call.state();
        if (!(before instanceof CallState.Offered || before instanceof CallState.Ringing)) {
            return;
        }
        CallMedia early = call.media(); // set only by early media: the answer continues its stream
        CallMedia media;
        if (early != null) {
            media = early;
            if (record) {
                recordFromNow(call, media);
            }
        } else {
            Optional<RtpPortPool.RtpSocket> socket = ports.allocate();
            if (socket.isEmpty()) {
                end(call, HangupCause.ERROR, 503, "all RTP ports are in use");
                return;
            }
            if (call.negotiated() == null) { // late offer (early media rings with a plain 180 then)
                answerWithOffer(call, before, socket.get(), record);
                return;
            }
            media = media(call, socket.get(), call.negotiated(), record);
        }
        call.media(media);
        if (!call.transition(before.getClass(), new CallState.Answered())) {
            // Ended meanwhile, e.g. CANCEL crossed the decision. stop() is idempotent, so this is
            // safe whether or not end() saw the media.
            media.stop(HangupCause.CALLER_CANCEL, "the call ended before it was answered", ports::release);
            return;
        }
        // Armed before the 200 OK leaves, for the reason offer() arms its timer first: the ACK can be
        // handled on another thread before this one runs again, and a timer set after it would hang
        // up a confirmed call. The state check is the second guard.
        timers.ack(call);
        long session = System.currentTimeMillis();
        signalling.answer(call, early != null ? call.earlyAnswer()
                : AnswerWriter.write(call.negotiated(), call.localAddress(), media.localPort(), session, session));
        if (early == null) {
            media.start();
        } else {
            media.answered();
        }
        answeredEvent(call, call.negotiated());
    }

    /**
     * Late offer: the INVITE had no SDP, so the 200 OK offers RTP on the socket reserved here, and
     * the media starts only when the ACK's answer settles the codec and address ({@link #lateAnswered}).
     */
    private void answerWithOffer(Call call, CallState before, RtpPortPool.RtpSocket socket, boolean record) {
        call.reserve(socket);
        call.recordOnAnswer(record);
        if (!call.transition(before.getClass(), new CallState.Answered())) {
            RtpPortPool.RtpSocket unused = call.takeReserved(); // null when end() has already given it back
            if (unused != null) {
                ports.release(unused);
            }
            return;
        }
        timers.ack(call); // armed before the 200 OK leaves, as in answer()
        signalling.answerWithOffer(call, socket.port());
    }

    /** The ACK of a late-offer call carried an acceptable answer: the call is confirmed and its media starts. */
    public void lateAnswered(Call call, Negotiated answer) {
        RtpPortPool.RtpSocket socket = call.takeReserved();
        if (socket == null) {
            return; // ended meanwhile; end() gave the socket back
        }
        call.negotiated(answer);
        CallMedia media = media(call, socket, answer, call.recordOnAnswer());
        call.media(media);
        if (!call.transition(CallState.Answered.class, new CallState.Confirmed())) {
            // Ended between the two steps above; stop() is idempotent whether or not end() saw the media.
            media.stop(HangupCause.ERROR, "the call ended as its answer arrived", ports::release);
            return;
        }
        call.timer(null);
        media.start();
        answeredEvent(call, answer);
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
     * ends the call at once instead (see AudioSession).
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
    public java.util.concurrent.CompletableFuture<Integer> transfer(Call call, String target) {
        return signalling.transfer(call, target).thenApply(status -> {
            if (status >= 200 && status < 300) {
                end(call, HangupCause.TRANSFERRED, 200, "transferred to " + target);
            }
            return status;
        });
    }

    /** Places an outbound call, running {@code beforeInvite} before its INVITE leaves; see {@link CallSignalling#place}. */
    public Call place(dev.patchbay.proto.media.v1.PlaceCallRequest request, java.util.function.Consumer<Call> beforeInvite) {
        return signalling.place(request, beforeInvite);
    }

    /** Holds or resumes an answered call by re-INVITE; see {@link CallSignalling#hold}. */
    public java.util.concurrent.CompletableFuture<Integer> hold(Call call, boolean hold) {
        return signalling.hold(call, hold);
    }

    /** Sends INFO in an answered call; see {@link CallSignalling#info}. */
    public java.util.concurrent.CompletableFuture<Integer> info(Call call, String contentType, byte[] body) {
        return signalling.info(call, contentType, body);
    }

    /** The caller sent INFO with a non-DTMF body: the control-plane decides what it means. */
    public void infoReceived(Call call, String contentType, byte[] body) {
        control.event(call, ControlEvent.newBuilder().setInfo(dev.patchbay.proto.media.v1.InfoReceived.newBuilder()
                .setContentType(contentType).setBody(com.google.protobuf.ByteString.copyFrom(body))));
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
