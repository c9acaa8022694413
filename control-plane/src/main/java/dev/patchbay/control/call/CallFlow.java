package dev.patchbay.control.call;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.patchbay.control.delivery.HangupCallbacks;
import dev.patchbay.control.integration.ameyo.AmeyoCallTag;
import dev.patchbay.control.integration.ringcx.RingCxInfo;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.AmeyoTag;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallRecord.Direction;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.model.InviteHeaders;
import dev.patchbay.control.model.Route;
import dev.patchbay.control.quality.QualityConfig;
import dev.patchbay.control.routing.Router;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.CallHangup;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.ConsultCompletion;
import dev.patchbay.proto.media.v1.ConsultProgress;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.Reject;
import dev.patchbay.proto.media.v1.RouteDecision;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.proto.media.v1.SipHeader;

/**
 * What the control-plane does with each media-plane event: routes offered calls, records every
 * state change, attaches bots when calls are answered, and queues the hang-up callback.
 *
 * <p>A call's events are handled one after another, in arrival order, on virtual threads: the
 * database and a bot platform's webhook may be slow, and the gRPC thread must never wait for them.
 */
public final class CallFlow implements MediaNodeLink.Listener {

    private static final Logger LOG = Logger.getLogger(CallFlow.class.getName());
    private static final Duration DETACH_AFTER_HANGUP = Duration.ofSeconds(5);

    private final CallStore store;
    private final Router router;
    private final BotAttacher bots;
    private final HangupCallbacks callbacks;
    private final CallObserver observer;
    private final BridgeLeases leases;
    private final ExecutorService workers;
    private final RingCxInfo ringCx;
    private final WebhookBotCalls webhookBots;
    private final QualityConfig quality;
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final Map<String, BotAttacher.Attachment> attached = new ConcurrentHashMap<>();

    public CallFlow(CallStore store, Router router, BotAttacher bots, BotWebhookClient webhooks,
                    HangupCallbacks callbacks, CallObserver observer, BridgeLeases leases, ExecutorService workers) {
        this(store, router, bots, webhooks, callbacks, observer, leases, workers, RingingSounds.defaults(),
                QualityConfig.defaults());
    }

    public CallFlow(CallStore store, Router router, BotAttacher bots, BotWebhookClient webhooks,
                    HangupCallbacks callbacks, CallObserver observer, BridgeLeases leases, ExecutorService workers,
                    RingingSounds ringing, QualityConfig quality) {
        this.store = store;
        this.router = router;
        this.bots = bots;
        this.callbacks = callbacks;
        this.observer = observer;
        this.leases = leases;
        this.workers = workers;
        this.ringCx = new RingCxInfo(store);
        this.webhookBots = new WebhookBotCalls(store, webhooks, ringing, ringCx);
        this.quality = quality;
    }

    @Override
    public void event(MediaNodeLink link, ControlEvent event) {
        CompletableFuture<Void> done = enqueue(event.getCallId(), () -> handle(link, event));
        if (event.getEventCase() == ControlEvent.EventCase.HANGUP) {
            done.whenComplete((v, e) -> tails.remove(event.getCallId(), done));
        }
    }

    /** Runs {@code task} after everything already queued for the call. */
    private CompletableFuture<Void> enqueue(String id, Runnable task) {
        return tails.compute(id, (k, tail) -> (tail == null ? CompletableFuture.<Void>completedFuture(null) : tail)
                .thenRunAsync(() -> step(id, task), workers));
    }

    /** A step that throws is logged and the queue goes on: a failed stage would skip every later one unseen. */
    private static void step(String id, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "call " + id + ": a queued step failed; the call's next events are still handled", e);
        }
    }

    private void handle(MediaNodeLink link, ControlEvent event) {
        try {
            switch (event.getEventCase()) {
                case OFFERED -> offered(link, event.getCallId(), event.getOffered());
                case ANSWERED -> answered(link, event.getCallId());
                case RINGING -> ringing(event.getCallId(), event.getRinging().getSipStatus());
                case HANGUP -> hungUp(event.getCallId(), event.getHangup());
                case DTMF -> store.event(event.getCallId(), "dtmf", event.getDtmf().getDigit() + " ("
                        + event.getDtmf().getSource().name().toLowerCase(Locale.ROOT) + ")");
                case INFO -> store.event(event.getCallId(), "info", event.getInfo().getContentType() + ", "
                        + event.getInfo().getBody().size() + " bytes");
                case CONSULT -> consultProgress(event.getCallId(), event.getConsult());
                case BOT_INFO -> {
                    if (ringCx.botInfoSent(event.getCallId(), event.getBotInfo())) {
                        store.find(event.getCallId()).ifPresent(call -> bots.finalInfoAccepted(link, call,
                                event.getBotInfo().getSipStatus()));
                    }
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "call " + event.getCallId() + ": handling " + event.getEventCase() + " failed", e);
            if (event.getEventCase() == ControlEvent.EventCase.OFFERED) {
                link.decide(RouteDecision.newBuilder().setCallId(event.getCallId())
                        .setReject(Reject.newBuilder().setSipStatus(500).setReason("routing failed")));
            }
        }
    }

    private void offered(MediaNodeLink link, String id, CallOffered offer) {
        Route route = router.route(offer);
        // FINE: at 200 INVITEs/s this one line (formatted, then written by the synchronized console handler)
        // was 11 % of the control-plane's CPU samples (JFR, issue 17). The call's row and events keep the route.
        LOG.logp(Level.FINE, CallFlow.class.getName(), "offered",
                () -> "call " + id + " from " + offer.getFromUri() + " to " + offer.getRequestUri() + ": " + route);
        Instant now = store.now();
        String from = offer.getFromUri().replaceFirst("^<?sips?:", "").replaceFirst("[@;>].*$", "");
        // Bounded and without credentials; written by the call's first insert, whichever way it is routed.
        InviteHeaders headers = InviteHeaders.of(offer.getHeadersList());
        switch (route) {
            case Route.Reject r -> {
                store.insertInbound(new CallRecord(id, r.workspaceId(), null, Direction.INBOUND, CallStatus.REJECTED, from,
                        offer.getToUser(), offer.getRequestUser(), link.node(), null, CallRecord.Stream.NONE, null, null,
                        r.sipStatus(), r.reason(), null, now, null, null, offer.getSipCallId()), headers,
                        r.sipStatus() + " " + r.reason());
                Reject.Builder reject = Reject.newBuilder().setSipStatus(r.sipStatus()).setReason(r.reason());
                r.headers().forEach(h -> reject.addHeaders(SipHeader.newBuilder().setName(h.name()).setValue(h.value())));
                link.decide(decision(id).setReject(reject));
            }
            case Route.ToBot bot -> toBot(link, id, offer, bot, from, now, headers);
            case Route.Claimed c -> claimed(link, id, offer, c, from, now, headers);
        }
    }

    /** A call that binds integration state (an ASAPP transfer) as it is recorded; only one INVITE wins. */
    private void claimed(MediaNodeLink link, String id, CallOffered offer, Route.Claimed claimed, String from, Instant now, InviteHeaders headers) {
        Route.ToBot bot = claimed.bot();
        CallRecord.Stream stream = switch (bot.kind()) {
            case ECHO -> new CallRecord.Stream(null, "echo", 8000, null);
            case WSS -> new CallRecord.Stream(bot.url(), bot.dialect() == null ? "twilio" : bot.dialect(),
                    bot.settings().sampleRate(), claimed.customParametersJson(), bot.settings().connectTimeout());
            case GRPC -> new CallRecord.Stream(null, "grpc", 8000, claimed.customParametersJson());
            case WEBHOOK -> null;
        };
        String refused = stream == null ? "bot " + bot.botId() + " is a webhook bot; a transferred call needs a wss, grpc"
                + " or echo bot" : null;
        CallRecord call = new CallRecord(id, bot.workspaceId(), bot.botId(), Direction.INBOUND, CallStatus.RINGING, from,
                bot.number(), bot.raw(), link.node(), offer.getAttachToken(), stream, null, null, null, null, null, now, null, null,
                offer.getSipCallId());
        if (refused == null && store.insertClaiming(call, headers, "routed by " + bot.via() + " to " + bot.botId() + " (" + bot.kind() + ")",
                claimed.claim())) {
            link.decide(decision(id, bot).setAnswer(answer(bot, call)));
            return;
        }
        String reason = refused != null ? refused : "the call transfer was claimed by another call meanwhile";
        store.insertInbound(new CallRecord(id, bot.workspaceId(), null, Direction.INBOUND, CallStatus.REJECTED, from,
                offer.getToUser(), offer.getRequestUser(), link.node(), null, CallRecord.Stream.NONE, null, null,
                404, reason, null, now, null, null, offer.getSipCallId()), headers, "404 " + reason);
        link.decide(decision(id).setReject(Reject.newBuilder().setSipStatus(404).setReason(reason)));
    }

    private void toBot(MediaNodeLink link, String id, CallOffered offer, Route.ToBot bot, String from, Instant now, InviteHeaders headers) {
        AmeyoTag ameyo = AmeyoCallTag.of(bot, offer);
        Map<String, String> vendorParameters = AmeyoCallTag.botParameters(ameyo);
        CallRecord.Stream stream = switch (bot.kind()) {
            case ECHO -> new CallRecord.Stream(null, "echo", 8000, null);
            // The bot's configured parameters cannot clash with the call's (the admin API refuses sip.* and
            // ameyo.* names), so the merge order only matters for a webhook bot's answer, which wins.
            case WSS -> new CallRecord.Stream(bot.url(), bot.dialect() == null ? "twilio" : bot.dialect(),
                    bot.settings().sampleRate(), BotParameters.json(BotParameters.of(offer, vendorParameters,
                    bot.settings().customParameters())), bot.settings().connectTimeout());
            // A gRPC bot attaches itself with the token, read from GET /v1/calls/{id} or a webhook.
            case GRPC -> new CallRecord.Stream(null, "grpc", 8000, null);
            case WEBHOOK -> CallRecord.Stream.NONE;
        };
        CallRecord call = new CallRecord(id, bot.workspaceId(), bot.botId(), Direction.INBOUND, CallStatus.RINGING, from,
                bot.number(), bot.raw(), link.node(), offer.getAttachToken(), stream, null, null, null, null, null,
                now, null, null, offer.getSipCallId());
        store.insertInbound(call, headers, "routed by " + bot.via() + " to " + bot.botId() + " (" + bot.kind() + ")");
        if (ameyo != null) {
            store.ameyo(id, ameyo);
        }
        if (bot.kind() != Route.BotKind.WEBHOOK) {
            link.decide(decision(id, bot).setAnswer(answer(bot, call)));
            return;
        }
        webhookBots.route(link, offer, bot, call, vendorParameters, () -> answer(bot, call));
    }

    /**
     * An attended transfer's step, on the caller's record as {@code consult-<step>}; the detail names the consult
     * leg's call id first, which links the two calls' records.
     */
    private void consultProgress(String id, ConsultProgress p) {
        String step = p.getStep().name().toLowerCase(Locale.ROOT).replace("consult_", "").replace('_', '-');
        store.event(id, "consult-" + step, p.getConsultCallId()
                + (p.getMethod() == ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED ? "" : " by " + p.getMethod().name().toLowerCase(Locale.ROOT))
                + (p.getSipStatus() == 0 ? "" : ", " + p.getSipStatus()) + (p.getReason().isEmpty() ? "" : ": " + p.getReason()));
    }

    private void ringing(String id, int sipStatus) {
        if (store.advance(id, CallStatus.RINGING, sipStatus + " from the far end")) {
            store.find(id).ifPresent(call -> observe(() -> observer.ringing(call), id));
        }
    }

    private void answered(MediaNodeLink link, String id) {
        boolean advanced = store.advance(id, CallStatus.IN_PROGRESS, "answered on " + link.node());
        store.find(id).ifPresent(call -> {
            attach(link, call);
            if (advanced) {
                observe(() -> observer.answered(call), id);
            }
        });
    }

    /** True when this replica bridges the call's bot (holds its attachment). */
    public boolean bridges(String callId) {
        return attached.containsKey(callId);
    }

    /**
     * Attaches the call's bot afresh in place of the bridge this replica holds, in the call's own order; the
     * attacher decides again what the call gets (its bot, or a hold for a far end's BYE). False when this
     * replica does not bridge the call.
     */
    public boolean reattach(MediaNodeLink link, CallRecord call) {
        if (!attached.containsKey(call.id())) {
            return false;
        }
        enqueue(call.id(), () -> {
            if (attached.containsKey(call.id())) {
                store.find(call.id()).filter(c -> c.status() == CallStatus.IN_PROGRESS).ifPresent(c -> attach(link, c));
            }
        });
        return true;
    }

    /** Attaches the call's bot if it has one this replica connects, and takes the bridge lease. */
    void attach(MediaNodeLink link, CallRecord call) {
        if (call.stream().url() == null && !"echo".equals(call.stream().dialect())) {
            return; // a gRPC bot attaches itself
        }
        if (!leases.take(call.id())) {
            LOG.fine(() -> "call " + call.id() + ": another replica holds the bridge");
            return;
        }
        BotAttacher.Attachment old = attached.put(call.id(), bots.attach(link, call, this::unknownCall));
        if (old != null) {
            old.close();
        }
    }

    private void hungUp(String id, CallHangup hangup) {
        // The hang-up clears the lease in the same update that ends the call.
        BotAttacher.Attachment a = attached.remove(id);
        if (a != null) {
            // The attachment ends itself when its Audio stream reports the end (a WSS bot gets its
            // "stop" that way); this event can overtake that report, so closing now would cut it off.
            // The close is only the safety net for an attachment that never hears of the end.
            CompletableFuture.delayedExecutor(DETACH_AFTER_HANGUP.toMillis(), TimeUnit.MILLISECONDS, workers)
                    .execute(a::close);
        }
        CallRecord before = store.find(id).orElse(null);
        if (before == null) {
            LOG.warning(() -> "call " + id + " ended but has no record; was it placed by another control-plane?");
            return;
        }
        CallStatus status = HangupStatus.of(before, hangup);
        String recording = hangup.getRecordingPath().isEmpty() ? null : hangup.getRecordingPath();
        if (store.end(id, status, hangup.getCause().name().toLowerCase(Locale.ROOT), hangup.getSipStatus(),
                hangup.getReason(), recording, quality.of(hangup.getStats()))) {
            store.find(id).ifPresent(call -> {
                callbacks.ended(call);
                observe(() -> observer.ended(call, hangup.getStats()), id);
            });
        }
    }

    /** An observer's failure is its own: logged, never stopping the call's flow. */
    private static void observe(Runnable r, String id) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "call " + id + ": a call observer failed", e);
        }
    }

    /**
     * The Control stream to a node is up (again): take over its live calls whose bridge nobody
     * holds, e.g. after this replica restarted or another one died.
     */
    @Override
    public void connected(MediaNodeLink link) {
        workers.execute(() -> adoptOrphans(link));
    }

    /** Also run periodically: a replica that dies while this one stays connected leaves orphans too. */
    public void adoptOrphans(MediaNodeLink link) {
        try {
            for (CallRecord call : store.orphanedBridges(link.node(), leases.owner())) {
                if (attached.containsKey(call.id())) {
                    continue; // still bridged here: the stream to the node blinked, the bridge did not
                }
                // Checked again in the call's own order: the answer may have attached the bot since this
                // sweep read the database, and a second attach would replace the bridge the bot talks to.
                enqueue(call.id(), () -> {
                    // The call may also have ended meanwhile: its hang-up runs in this order too,
                    // and removes the attachment before the record says it ended.
                    if (attached.containsKey(call.id()) || !store.find(call.id()).map(c -> c.status() == CallStatus.IN_PROGRESS).orElse(false)) {
                        return;
                    }
                    LOG.info(() -> "call " + call.id() + ": re-attaching its bot after its bridge owner went away");
                    store.event(call.id(), "bridge-adopted", "by " + leases.owner());
                    attach(link, call);
                });
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "looking for calls to take over on " + link.node() + " failed: " + e.getMessage());
        }
    }

    /** The media-plane no longer has the call: it ended while no replica listened, so its hang-up was lost. */
    private void unknownCall(String id, String reason) {
        endUnreported(id, "unknown", "the call ended while no control-plane replica was connected (" + reason + ")")
                .whenComplete((v, e) -> tails.remove(id));
    }

    /**
     * The call's media node died without draining (its heartbeat lapsed): the record ends with cause
     * {@code media-node-lost} and the hang-up callback goes out, as if the node had reported it.
     */
    public CompletableFuture<Void> nodeLost(String id, String reason) {
        CompletableFuture<Void> done = endUnreported(id, "media-node-lost", reason);
        done.whenComplete((v, e) -> tails.remove(id, done));
        return done;
    }

    /** Ends a call whose hang-up the media-plane will never report, in the call's own order. */
    private CompletableFuture<Void> endUnreported(String id, String cause, String reason) {
        return enqueue(id, () -> {
            BotAttacher.Attachment a = attached.remove(id);
            if (a != null) {
                a.close();
            }
            CallRecord call = store.find(id).orElse(null);
            if (call != null && store.end(id, call.answeredAt() != null ? CallStatus.COMPLETED : CallStatus.FAILED,
                    cause, 0, reason, null)) {
                store.find(id).ifPresent(ended -> {
                    callbacks.ended(ended);
                    observe(() -> observer.ended(ended, RtpStats.getDefaultInstance()), id);
                });
            }
        });
    }

    /** Detaches every bot without hanging up, for a clean stop; another replica takes the calls over. */
    public void detachAll() {
        attached.values().forEach(BotAttacher.Attachment::close);
        attached.clear();
    }

    private static RouteDecision.Builder decision(String id) {
        return RouteDecision.newBuilder().setCallId(id);
    }

    /** A decision that starts media carries the admitting trunk's codec order, which the SDP answer follows. */
    static RouteDecision.Builder decision(String id, Route.ToBot bot) {
        return decision(id).addAllCodecs(bot.trunkMedia().codecs());
    }

    /**
     * The answer names the bot and carries the admitting trunk's DTMF mode and the INFO the bot may send
     * (RingCX) to the media-plane.
     */
    private Answer.Builder answer(Route.ToBot bot, CallRecord call) {
        return Answer.newBuilder().setBotRef(bot.botId()).setDtmfMethod(bot.dtmfMode().method())
                .setBotInfoMaxBytes(bots.infoMaxBytes(call));
    }
}
