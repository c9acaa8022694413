package dev.patchbay.control.bot;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.call.BotAttacher;
import dev.patchbay.control.call.BotConsults;
import dev.patchbay.control.call.BotReturns;
import dev.patchbay.control.call.ReferFallback;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.metrics.ControlMetrics;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.wss.BridgeConfig;
import dev.patchbay.control.wss.BridgeListener;
import dev.patchbay.control.wss.BridgeMux;
import dev.patchbay.control.wss.BridgeTarget;
import dev.patchbay.control.wss.WssBridge;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import io.grpc.stub.StreamObserver;

/**
 * Bridges an answered call to its bot's WebSocket. The URL is checked against the SSRF rules right
 * before connecting, whatever checked it earlier, because DNS may have changed since. What the
 * bridge reports becomes call events. The bridges to one media node share its one {@link BridgeMux}.
 */
public final class WssAttacher implements BotAttacher, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WssAttacher.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final SsrfGuard guard;
    private final CallStore store;
    private final ExecutorService workers;
    private final Duration connectTimeout;
    private final Duration reconnectGrace;
    private final BotReturns returns;
    private final FarEnds farEnds;
    private final ReferFallback referRefused;
    /** The bridges' one AudioMux stream per media node. */
    private final Map<MediaNodeLink, BridgeMux> muxes = new ConcurrentHashMap<>();

    public WssAttacher(HttpClient http, SsrfGuard guard, CallStore store, ExecutorService workers,
                       Duration connectTimeout, Duration reconnectGrace) {
        this(http, guard, store, workers, connectTimeout, reconnectGrace, BotReturns.NONE, FarEnds.NONE);
    }

    /** As below, with a refused REFER recorded as a failed transfer and nothing more. */
    public WssAttacher(HttpClient http, SsrfGuard guard, CallStore store, ExecutorService workers,
                       Duration connectTimeout, Duration reconnectGrace, BotReturns returns, FarEnds farEnds) {
        this(http, guard, store, workers, connectTimeout, reconnectGrace, returns, farEnds,
                (call, target, status) -> store.event(call.id(), "transfer-failed", target + " " + status));
    }

    /**
     * @param returns hears a bot's {@code return} (ASAPP-style transfers)
     * @param farEnds the integrations (Ameyo, RingCX) whose far end ends their calls
     * @param referRefused what follows when the far end refuses a bot's REFER itself (the bridge fallback)
     */
    public WssAttacher(HttpClient http, SsrfGuard guard, CallStore store, ExecutorService workers,
                       Duration connectTimeout, Duration reconnectGrace, BotReturns returns, FarEnds farEnds,
                       ReferFallback referRefused) {
        this.referRefused = referRefused;
        this.returns = returns;
        this.farEnds = farEnds;
        this.http = http;
        this.guard = guard;
        this.store = store;
        this.workers = workers;
        this.connectTimeout = connectTimeout;
        this.reconnectGrace = reconnectGrace;
    }

    private volatile ControlMetrics metrics = ControlMetrics.none();
    private volatile BridgeConfig bridges = BridgeConfig.defaults();
    private volatile BotConsults consults;

    /** Where bridge sessions are counted. */
    /** Who carries out a bot's attended transfer steps; without it they are refused (recorded on the call). */
    public WssAttacher consults(BotConsults consults) {
        this.consults = consults;
        return this;
    }

    /** The bridges' queue and pool sizes ({@code patchbay.control.bridge.*}); set before the first call. */
    public WssAttacher bridges(BridgeConfig config) {
        this.bridges = config;
        return this;
    }

    public WssAttacher metrics(ControlMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    @Override
    public Attachment attach(MediaNodeLink link, CallRecord call, Gone gone) {
        URI url = URI.create(call.stream().url());
        String refused = switch (guard.check(url, SsrfGuard.WEBSOCKET_SCHEMES)) {
            case SsrfGuard.Verdict.Allowed a -> null;
            case SsrfGuard.Verdict.Refused r -> r.reason();
            case SsrfGuard.Verdict.Unresolved u -> u.reason();
        };
        if (refused != null) {
            store.event(call.id(), "bridge-refused", refused);
            MediaPlaneGrpc.newStub(link.channel()).hangup(HangupRequest.newBuilder().setCallId(call.id()).setSipStatus(503)
                    .setReason("bot websocket refused: " + refused).build(), new Ignored<>());
            return () -> { };
        }
        // The bot's own connect timeout, stored with the call when it was routed, else the global one.
        Duration connect = call.stream().connectTimeout() != null ? call.stream().connectTimeout() : connectTimeout;
        if (farEnds.resumeHandedBack(link, call)) {
            BridgeTarget held = new BridgeTarget(call.id(), call.attachToken(), url, call.stream().dialect(), 8000, Map.of(),
                    call.workspaceId(), call.from(), call.to(), connect, reconnectGrace, farEnds.forCall(call));
            WssBridge holding = WssBridge.hold(mux(link), held, new Events(gone, link, call, held.dialect()), http);
            metrics.wssOpened(held.dialect()); // after: an unknown dialect throws and never reports an end
            return holding::close;
        }
        BridgeTarget target = new BridgeTarget(call.id(), call.attachToken(), url, call.stream().dialect(),
                call.stream().sampleRate() == 0 ? 8000 : call.stream().sampleRate(), params(call), call.workspaceId(),
                call.from(), call.to(), connect, reconnectGrace, farEnds.forCall(call));
        WssBridge bridge = WssBridge.open(mux(link), target, new Events(gone, link, call, target.dialect()), http);
        metrics.wssOpened(target.dialect());
        return bridge::close;
    }

    private BridgeMux mux(MediaNodeLink link) {
        return muxes.computeIfAbsent(link, l -> new BridgeMux(l.channel(), l.node(), bridges,
                () -> metrics.wssDroppedAtFullBatch()));
    }

    /** Stops the muxes without ending their calls, which wait on the media-plane for a bot to re-attach. */
    @Override
    public void close() {
        muxes.values().forEach(BridgeMux::close);
        muxes.clear();
    }

    private static Map<String, String> params(CallRecord call) {
        String json = call.stream().customParametersJson();
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            LOG.warning(() -> "call " + call.id() + ": stored custom parameters are not a JSON object of strings; sent none");
            return Map.of();
        }
    }

    /** Bridge reports arrive on I/O threads; the database is written on a worker. */
    private final class Events implements BridgeListener {
        private final Gone gone;
        private final MediaNodeLink link;
        private final CallRecord call;

        private final String dialect;

        Events(Gone gone, MediaNodeLink link, CallRecord call, String dialect) {
            this.dialect = dialect;
            this.gone = gone;
            this.link = link;
            this.call = call;
        }

        @Override
        public void handedBack(String callId, String propertiesJson, String why) {
            workers.execute(() -> farEnds.handedBack(link, call, propertiesJson, why));
        }

        @Override
        public void connected(String callId) {
            workers.execute(() -> store.event(callId, "bot-connected", null));
        }

        @Override
        public void ended(String callId, String reason) {
            metrics.wssEnded(dialect); // a bridge reports its end once (WssBridge.finish)
            workers.execute(() -> store.event(callId, "bridge-ended", reason));
            // The media-plane no longer knows the call: it ended while no replica was listening.
            if (reason.contains("UNAUTHENTICATED") || reason.contains("NOT_FOUND")) {
                gone.unknownCall(callId, reason);
            }
        }

        @Override
        public void action(String callId, String action, String detail) {
            workers.execute(() -> store.event(callId, action, detail));
        }

        @Override
        public void consult(String callId, String action, String to, String method, String hold) {
            BotConsults handler = consults;
            if (handler == null) {
                BridgeListener.super.consult(callId, action, to, method, hold);
                return;
            }
            workers.execute(() -> store.find(callId).ifPresent(c -> handler.botConsult(c, action, to, method, hold)));
        }

        @Override
        public void referRefused(String callId, String uri, int sipStatus) {
            workers.execute(() -> store.find(callId).ifPresent(c -> WssAttacher.this.referRefused.referRefused(c, uri, sipStatus)));
        }

        @Override
        public void returned(String callId, String outputContextJson) {
            workers.execute(() -> returns.returned(callId, outputContextJson));
        }
    }

    /** A unary call whose outcome the call's own hang-up event reports. */
    private static final class Ignored<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
