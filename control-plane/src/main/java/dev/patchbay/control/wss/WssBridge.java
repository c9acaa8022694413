package dev.patchbay.control.wss;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import dev.patchbay.proto.media.v1.CallEnded;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * Bridges one answered call's audio, a channel of its media node's {@link BridgeMux}, to a bot's WebSocket
 * in one of the {@link Dialect}s.
 * The socket is connected first, then the audio attached, so the bot hears nothing it was not ready for.
 * A bot that closes its socket hangs the call up (Twilio's behaviour); a socket that drops without a close
 * frame is reconnected until {@link BridgeTarget#reconnectGrace()} has passed; a call that ends gets the
 * dialect's stop message and a 1000 close. Where the far end ends the call (Ameyo, RingCX after the final
 * INFO), a finished bot never causes a BYE: the bridge keeps the call's channel attached, dropping the
 * caller's audio, so the media-plane keeps the call, and reports the hand-back to its listener. A failed mux
 * stream does not end the call: the mux re-attaches it (see {@link BridgeMux}).
 */
public final class WssBridge implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WssBridge.class.getName());
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 1000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final BridgeTarget target;
    private final BridgeListener listener;
    private final HttpClient http;
    private final Dialect dialect;
    private final BotSendQueue outbox;
    private final BotInbox inbox;
    private final FarEndSide farEnd;
    private final MediaLeg media;
    private final AtomicReference<Phase> phase = new AtomicReference<>(new Phase.Connecting());
    private volatile String endReason = "";
    /** Why this bridge hung the call up, once it has. */
    private volatile String hungUp;

    private WssBridge(BridgeMux mux, BridgeTarget target, BridgeListener listener, HttpClient http) {
        this.target = target;
        this.listener = listener;
        this.http = http;
        this.dialect = Dialect.create(target);
        this.media = new MediaLeg(mux, target.callId());
        this.outbox = new BotSendQueue(target.callId(), dialect, phase, new BotSendQueue.Events() {
            @Override
            public void stopped(WebSocket ws) {
                closeAfterStop(ws);
            }

            @Override
            public void failed(WebSocket ws, Throwable error) {
                if (phase.get() instanceof Phase.Closing) {
                    closeAfterStop(ws);
                } else {
                    lost(ws, error);
                }
            }
        }, mux.sender(), mux.config().botQueueFrames());
        this.farEnd = new FarEndSide(mux.channel(), target, listener, outbox::notice);
        this.inbox = new BotInbox(target.callId(), dialect,
                new BotCommandRunner(this, target.callId(), listener, media, outbox, farEnd));
    }

    /**
     * Starts bridging: connects to the bot within the target's connect timeout (else hangs the call up), then
     * attaches to the call's audio on {@code mux}, the call's media node's. Returns at once; progress is
     * reported to {@code listener}.
     *
     * @throws IllegalArgumentException for an unknown dialect
     */
    public static WssBridge open(BridgeMux mux, BridgeTarget target, BridgeListener listener, HttpClient http) {
        WssBridge bridge = new WssBridge(mux, target, listener, http);
        bridge.connect(target.connectTimeout(), true, 0);
        return bridge;
    }

    /**
     * Holds the audio of a call whose bot already handed it back, without connecting the bot again: used when
     * another replica takes such a call over, so that the far end, not a fresh bot session, ends it.
     */
    public static WssBridge hold(BridgeMux mux, BridgeTarget target, BridgeListener listener, HttpClient http) {
        WssBridge bridge = new WssBridge(mux, target, listener, http);
        bridge.phase.set(new Phase.BotClosed());
        bridge.attach();
        return bridge;
    }

    /** The dialect's stream id (Twilio streamSid, Plivo streamId), or the call id for jambonz. */
    public String streamId() {
        return switch (dialect) {
            case TwilioDialect t -> t.streamSid();
            case PlivoDialect p -> p.streamId();
            case JambonzDialect j -> target.callId();
        };
    }

    /** Caller frames dropped because the bot read too slowly. */
    public long droppedFrames() {
        return outbox.dropped();
    }

    /** Unknown or malformed bot messages so far. */
    public long botErrors() {
        return inbox.errors();
    }

    private void connect(Duration timeout, boolean first, int attempt) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
        List<String> protocols = dialect.subprotocols();
        if (!protocols.isEmpty()) {
            builder.subprotocols(protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new));
        }
        CompletableFuture<WebSocket> opening = builder.buildAsync(target.url(), inbox.listener());
        // A copy times out, so that the handshake itself can still finish and be aborted below.
        opening.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ws, error) -> {
            if (error == null) {
                opened(ws, first);
                return;
            }
            opening.thenAccept(WebSocket::abort); // a handshake that completes after we gave up
            if (first) {
                String reason = "bot websocket connect to " + target.url() + " failed: " + cause(error)
                        + "; check that the bot URL is reachable";
                Phase was = phase.get();
                if (farEnd.keepsCall() && was instanceof Phase.Connecting && phase.compareAndSet(was, new Phase.BotClosed())) {
                    // Ameyo: an unreachable bot hands the caller to a human agent rather than dropping them.
                    attach();
                    farEnd.handBack(null, reason);
                } else {
                    hangup(reason);
                    finish(reason);
                }
            } else {
                retry(attempt + 1);
            }
        });
    }

    private void opened(WebSocket ws, boolean first) {
        Phase was = phase.get();
        if (!(was instanceof Phase.Connecting || was instanceof Phase.Lost) || !phase.compareAndSet(was, new Phase.Open(ws))) {
            ws.abort(); // the call ended while we were connecting
            return;
        }
        outbox.opened();
        if (first) {
            attach();
            listener.connected(target.callId());
        } else {
            LOG.info(() -> "call " + target.callId() + ": bot websocket reconnected");
            listener.action(target.callId(), "reconnected", target.url().toString());
        }
        ws.request(1); // only now: bot audio needs the attached stream
        outbox.drain();
    }

    private void attach() {
        media.attach(target.attachToken(), dialect.format(), new CallerSide());
    }

    /** The socket failed or vanished without a close frame: reconnect within the grace period. */
    void lost(WebSocket ws, Throwable error) {
        Phase was = phase.get();
        if (!(was instanceof Phase.Open open) || open.socket() != ws
                || !phase.compareAndSet(was, new Phase.Lost(System.nanoTime() + target.reconnectGrace().toNanos()))) {
            return;
        }
        ws.abort();
        LOG.warning(() -> "call " + target.callId() + ": bot websocket lost (" + cause(error) + "); reconnecting for up to "
                + target.reconnectGrace().toMillis() + " ms");
        retry(0);
    }

    private void retry(int attempt) {
        if (!(phase.get() instanceof Phase.Lost lost)) {
            return;
        }
        long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempt, 10));
        long left = TimeUnit.NANOSECONDS.toMillis(lost.deadlineNanos() - System.nanoTime()) - delay;
        if (left <= 0) {
            if (phase.compareAndSet(lost, new Phase.BotClosed())) {
                botDone("bot websocket lost");
            }
            return;
        }
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> {
            if (phase.get() == lost) {
                connect(Duration.ofMillis(Math.min(left, target.connectTimeout().toMillis())), false, attempt);
            }
        });
    }

    /** The bot sent a close frame. */
    void botClosed(WebSocket ws, int code, String reason) {
        Phase was = phase.get();
        if (was instanceof Phase.Open open && open.socket() == ws && phase.compareAndSet(was, new Phase.BotClosed())) {
            String why = "the bot closed its websocket (" + code + (reason.isEmpty() ? "" : " " + reason) + ")";
            if (farEnd.keepsCall()) {
                listener.action(target.callId(), "bot-closed", why);
            } else {
                listener.action(target.callId(), "hangup", why);
            }
            botDone(why);
        }
    }

    /** The bot is gone for good: hang up, unless the far end ends this call (the bridge then keeps the audio). */
    private void botDone(String why) {
        if (farEnd.keepsCall()) {
            farEnd.handBack(null, why);
        } else {
            hangup(why);
        }
    }

    /** The call is over: send stop and close while the socket is up, else finish now. */
    private void callEnded(String reason) {
        endReason = reason;
        Phase was = phase.get();
        if (was instanceof Phase.Open open && phase.compareAndSet(was, new Phase.Closing(open.socket()))) {
            outbox.stop();
            // A bot that stopped reading never takes the stop (a send stays outstanding): without this the bridge,
            // its socket and the kernel's megabytes queued for it outlived the call (chaos run stalled-bot).
            CompletableFuture.delayedExecutor(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (phase.get() instanceof Phase.Closing closing && closing.socket() == open.socket()) {
                    endReason = reason + " (the bot took no stop within " + CLOSE_WAIT.toSeconds() + " s: aborted)";
                    open.socket().abort(); // fails the stuck send, which ends the bridge with endReason
                    finish(endReason);
                }
            });
        } else if (!(was instanceof Phase.Closing)) {
            finish(reason);
        }
    }

    /** Called by the outbox once the stop message has gone. */
    private void closeAfterStop(WebSocket ws) {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "call ended").whenComplete((w, e) ->
                CompletableFuture.delayedExecutor(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS).execute(ws::abort));
        finish(endReason);
    }

    private void finish(String reason) {
        Phase was = phase.getAndSet(new Phase.Ended(reason));
        if (was instanceof Phase.Ended) {
            return;
        }
        if (was instanceof Phase.Open open) {
            open.socket().abort();
        }
        outbox.discard();
        media.ended();
        long errors = inbox.errors();
        long dropped = outbox.dropped();
        if (errors > 0) {
            listener.action(target.callId(), "bot-errors", errors + " unknown or malformed bot messages ignored");
        }
        LOG.info(() -> "call " + target.callId() + ": bridge to " + target.url() + " ended: " + reason
                + (dropped > 0 ? "; " + dropped + " caller frames dropped for a slow bot" : "")
                + (errors > 0 ? "; " + errors + " bot messages ignored" : ""));
        listener.ended(target.callId(), reason);
    }

    /** Hangs the call up on the media-plane, remembering why (its CallEnded may say only ERROR). */
    void hangup(String reason) {
        hungUp = reason;
        media.hangup(reason);
    }

    /** Ends the bridge without touching the call, e.g. when the control-plane stops. */
    @Override
    public void close() {
        Phase was = phase.get();
        if (was instanceof Phase.Open open && phase.compareAndSet(was, new Phase.Closing(open.socket()))) {
            WebSocket ws = open.socket();
            ws.sendClose(1001, "gateway going away").whenComplete((w, e) ->
                    CompletableFuture.delayedExecutor(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS).execute(ws::abort));
        }
        finish("bridge closed");
    }

    private static String cause(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    /** The call's channel on the mux; called on the stream's thread, one message at a time. */
    private final class CallerSide implements BridgeMux.Caller {
        @Override
        public void audio(byte[] bytes, int offset, int length, int sequence) {
            // A handed-back call is only held until the far end's BYE: nobody listens any more.
            if (!(phase.get() instanceof Phase.BotClosed)) {
                outbox.audio(bytes, offset, length, sequence);
            }
        }

        @Override
        public void message(CallerToBot message) {
            switch (message.getMessageCase()) {
                case DTMF, MARK_PLAYED -> {
                    if (!(phase.get() instanceof Phase.BotClosed)) {
                        outbox.caller(message);
                    }
                }
                case ENDED -> ended(message.getEnded());
                default -> { }
            }
        }

        private void ended(CallEnded ended) {
            String reason = ended.getCause() + ": " + ended.getReason();
            if (ended.getCause() == HangupCause.ERROR) {
                String ours = hungUp;
                if (ours != null) {
                    // Our Hangup can overtake the attach on its way to the media-plane; the call ended as we asked.
                    callEnded(HangupCause.BOT_HANGUP + ": " + ours);
                    return;
                }
                // A refused attach or bot message ("NOT_FOUND: …"): as with a failed Audio stream, the call is hung up.
                hangup(reason);
            }
            callEnded(reason);
        }
    }
}
