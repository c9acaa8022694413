package dev.patchbay.control.app;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.control.api.CallsApi;
import dev.patchbay.control.bot.BotAttachers;
import dev.patchbay.control.bot.FarEndCalls;
import dev.patchbay.control.bot.WssAttacher;
import dev.patchbay.control.call.BridgeLeases;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.call.ConsultActions;
import dev.patchbay.control.call.CallFlow;
import dev.patchbay.control.call.CallObserver;
import dev.patchbay.control.call.CallObservers;
import dev.patchbay.control.call.OutboundDialer;
import dev.patchbay.control.call.RingingSounds;
import dev.patchbay.control.delivery.HangupCallbackSender;
import dev.patchbay.control.delivery.OutboundHttp;
import dev.patchbay.control.delivery.OutboundPolicy;
import dev.patchbay.control.delivery.Outbox;
import dev.patchbay.control.delivery.OutboxConfig;
import dev.patchbay.control.delivery.OutboxWorker;
import dev.patchbay.control.delivery.SigningKeys;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.delivery.WorkspaceSigningKeys;
import dev.patchbay.control.integration.ameyo.AmeyoByeTimers;
import dev.patchbay.control.integration.ameyo.AmeyoConfig;
import dev.patchbay.control.integration.ameyo.AmeyoHandBacks;
import dev.patchbay.control.integration.ameyo.AmeyoHeaders;
import dev.patchbay.control.integration.ameyo.AmeyoIntegration;
import dev.patchbay.control.integration.ameyo.AmeyoNotifier;
import dev.patchbay.control.integration.ameyo.AmeyoRouting;
import dev.patchbay.control.integration.asapp.AsappConfig;
import dev.patchbay.control.integration.asapp.AsappIntegration;
import dev.patchbay.control.integration.asapp.AsappReturns;
import dev.patchbay.control.integration.asapp.AsappRouting;
import dev.patchbay.control.integration.asapp.CallTransfersApi;
import dev.patchbay.control.integration.asapp.TransferStore;
import dev.patchbay.control.integration.ringcx.RingCxIntegration;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.media.NodeDirectory;
import dev.patchbay.control.media.NodeDiscovery;
import dev.patchbay.control.metrics.ControlMetrics;
import dev.patchbay.control.mount.Mount;
import dev.patchbay.control.quality.QualityConfig;
import dev.patchbay.control.routing.Router;
import dev.patchbay.control.recording.RecordingLinks;
import dev.patchbay.control.recording.RecordingRetention;
import dev.patchbay.control.recording.RecordingsApi;
import dev.patchbay.control.recording.Recordings;
import dev.patchbay.control.recording.RecordingsConfig;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.store.OutageRetry;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.control.subscriptions.SubscriptionEvents;
import dev.patchbay.control.subscriptions.SubscriptionKeys;
import dev.patchbay.control.subscriptions.SubscriptionStore;
import dev.patchbay.control.trunk.SipAuthConfig;
import dev.patchbay.control.trunk.TrunkGuard;
import dev.patchbay.control.webhookbot.BotWebhook;
import dev.patchbay.control.webhookbot.WebhookBots;
import dev.patchbay.control.wss.BotClients;
import dev.patchbay.control.wss.BridgeConfig;
import dev.patchbay.metrics.ProcessMetrics;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.OpenApiDocument;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.rest.Problems;
import dev.patchbay.schema.DbSettings;
import dev.patchbay.schema.Migrations;
import dev.patchbay.startup.PortGuard;
import dev.patchbay.startup.Settings;
import dev.patchbay.startup.StartupException;
import dev.patchbay.schema.SecretBox;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Gauge;

/**
 * The control-plane process, wired in one place: database, routing, call flow, one Control stream
 * per media-plane node, and the HTTP server with the provider API. Tests start it exactly like
 * {@code main} does.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlPlane.class.getName());
    private static final long MAX_BODY = 64 * 1024;

    private final DbClient db;
    private final MediaNodes nodes;
    private final CallFlow flow;
    private final BridgeLeases leases;
    private final OutboxWorker outbox;
    private final ExecutorService workers;
    private final ExecutorService linkCallbacks;
    private final ScheduledExecutorService timers;
    private final WebServer http;
    private final ProcessMetrics metrics;
    private final Warmup warmup;
    private final BotAttachers bots;

    private ControlPlane(DbClient db, MediaNodes nodes, CallFlow flow, BridgeLeases leases, OutboxWorker outbox,
                         ExecutorService workers, ExecutorService linkCallbacks, ScheduledExecutorService timers, WebServer http,
                         ProcessMetrics metrics, Warmup warmup, BotAttachers bots) {
        this.linkCallbacks = linkCallbacks;
        this.bots = bots;
        this.warmup = warmup;
        this.metrics = metrics;
        this.outbox = outbox;
        this.db = db;
        this.nodes = nodes;
        this.flow = flow;
        this.leases = leases;
        this.workers = workers;
        this.timers = timers;
        this.http = http;
    }

    /**
     * Starts the control-plane.
     *
     * @param root the whole configuration; {@code patchbay.db} names the database
     */
    public static ControlPlane start(Config root) {
        ControlConfig config = Settings.read(() -> ControlConfig.from(root));
        // Fails before anything starts, naming the setting, rather than with a bind stack trace later.
        PortGuard.requireTcp("control-plane", config.host(), config.port(), "patchbay.control.server.port");
        SecretBox secrets = Settings.read(() -> SecretBox.from(root));
        Config dbConfig = root.get("patchbay.db");
        migrate(dbConfig);
        DbClient db = DbClient.create(dbConfig);
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("control-timers").daemon(true).factory());
        CallStore store = new CallStore(db, Clock.systemUTC(), Settings.read(() -> OutageRetry.from(root)));
        Tenants tenants = new Tenants(db);
        SsrfGuard guard = new SsrfGuard(OutboundPolicy.from(root));
        // Mounted modules' webhooks (the agents') may sign with their own secrets; everything else with the
        // workspace's key. Workspace webhook subscriptions (admin API) sign with theirs too, under their own prefix.
        SubscriptionStore subscriptions = new SubscriptionStore(db);
        List<Mount.Factory> mountFactories = Mount.factories();
        SigningKeys workspaceKeys = WorkspaceSigningKeys.from(SigningKeys.fromConfig(root), config.local(), config.var(),
                tenants);
        for (Mount.Factory f : mountFactories) {
            workspaceKeys = f.signing(workspaceKeys, db, secrets);
        }
        SigningKeys signing = new SubscriptionKeys(workspaceKeys, subscriptions, secrets);
        OutboxConfig outboxConfig = OutboxConfig.from(root);
        AmeyoIntegration ameyo = new AmeyoIntegration(db);
        ProcessMetrics metrics = ProcessMetrics.create("control-plane", "replica", config.replica());
        ControlMetrics controlMetrics = new ControlMetrics(metrics.registry());
        OutboxWorker outbox = OutboxWorker.start(db, outboxConfig,
                new OutboundHttp(OutboundHttp.newClient(outboxConfig.timeout()), guard), signing,
                new AmeyoHeaders(ameyo, secrets), Clock.systemUTC());
        BotWebhook webhook = new BotWebhook(new OutboundHttp(OutboundHttp.newClient(config.webhookTimeout()), guard), guard,
                signing, config.webhookTimeout(), Clock.systemUTC());
        outbox.metrics(controlMetrics);
        webhook.metrics(controlMetrics);
        AsappConfig asapp = Settings.read(() -> AsappConfig.from(root));
        TransferStore transfers = new TransferStore(db, Clock.systemUTC());
        // A bot's return needs CallActions, which needs the media links, which need the flow, which needs the
        // bots: the returns handler is bound once below, before any call can be answered.
        CompletableFuture<AsappReturns> returns = new CompletableFuture<>();
        CompletableFuture<List<Mount>> mounts = new CompletableFuture<>();
        CompletableFuture<CallActions> actionsLater = new CompletableFuture<>();
        CompletableFuture<ConsultActions> consultsLater = new CompletableFuture<>();
        AmeyoConfig ameyoConfig = Settings.read(() -> AmeyoConfig.from(root));
        AmeyoCallEnding ameyoEnding = new AmeyoCallEnding();
        AmeyoByeTimers byeTimers = new AmeyoByeTimers(db, store, ameyoConfig, ameyoEnding, config.replica(), Clock.systemUTC());
        FarEndCalls farEnds = new FarEndCalls(store, new RingCxIntegration(db), new AmeyoHandBacks(db, store, ameyo,
                new AmeyoNotifier(ameyo, new Outbox(db, Clock.systemUTC()), outbox), byeTimers), timers, workers);
        BotAttachers bots = new BotAttachers(new WssAttacher(BotClients.webSocketClient(config.connectTimeout()), guard, store, workers,
                config.connectTimeout(), config.reconnectGrace(),
                (callId, context) -> returns.join().returned(callId, context), farEnds,
                (call, target, status) -> actionsLater.join().referRefused(call, target, status)).metrics(controlMetrics)
                .bridges(Settings.read(() -> BridgeConfig.from(root)))
                .consults((call, action, to, method, hold) -> consultsLater.join().botConsult(call, action, to, method, hold)), farEnds);
        BridgeLeases leases = new BridgeLeases(store, config.replica(), config.bridgeLease());
        RecordingsConfig recordingsConfig = Settings.read(() -> RecordingsConfig.from(root, secrets));
        // The URL base needs the bound port, known only once the server started (port 0 in tests); a call
        // ending before then (adopted at start-up) gets the configured port rather than waiting.
        CompletableFuture<String> ownBase = new CompletableFuture<>();
        RecordingLinks recordingLinks = new RecordingLinks(recordingsConfig.signingKey(), recordingsConfig.linkTtl(),
                () -> recordingsConfig.publicUrl().isEmpty() ? ownBase.getNow("http://127.0.0.1:" + config.port())
                        : recordingsConfig.publicUrl(), Clock.systemUTC());
        HangupCallbackSender hangups = new HangupCallbackSender(new Outbox(db, Clock.systemUTC()), outbox,
                c -> recordingLinks.urlOrNull(c.workspaceId(), c.id(), c.recordingUrl()));
        SubscriptionEvents subscribers = new SubscriptionEvents(subscriptions, new Outbox(db, Clock.systemUTC()), outbox::wake,
                Clock.systemUTC());
        List<Supplier<CallObserver>> observers = new ArrayList<>();
        for (int i = 0; i < mountFactories.size(); i++) {
            int at = i;
            observers.add(() -> mounts.join().get(at).observer());
        }
        observers.add(() -> subscribers);
        TrunkGuard trunkGuard = TrunkGuard.create(db, secrets, Settings.read(() -> SipAuthConfig.from(root)), Clock.systemUTC());
        Router router = new Router(db, List.of(new AsappRouting(db, transfers, asapp), new AmeyoRouting(db, ameyo)), trunkGuard,
                asapp.requireInboundTrunk());
        CallFlow flow = new CallFlow(store, router, bots,
                new WebhookBots(webhook), call -> {
                    hangups.ended(call);
                    // A transfer still ONGOING when its call ends: the caller hung up before the bot returned.
                    transfers.endedWithoutReturn(call.id());
                }, new CallObservers(observers), leases, workers,
                RingingSounds.from(root), Settings.read(() -> QualityConfig.from(root)));
        ExecutorService linkCallbacks = MediaNodeLink.callbackExecutor();
        List<MediaNodeLink> links = new ArrayList<>();
        for (String node : config.mediaNodes()) {
            links.add(new MediaNodeLink(node, config.replica(), config.clusterToken(), flow, timers, linkCallbacks));
        }
        MediaNodes nodes = new MediaNodes(links);
        for (boolean connected : new boolean[] {true, false}) {
            Gauge.builder("patchbay.media.nodes", nodes,
                            n -> n.all().stream().filter(l -> l.connected() == connected).count())
                    .description("Media nodes this replica knows, by whether its Control stream to them is up.")
                    .tag("connected", Boolean.toString(connected)).register(metrics.registry());
        }
        links.forEach(MediaNodeLink::connect);
        NodeDiscovery discovery = new NodeDiscovery(new NodeDirectory(db), nodes, address -> {
            MediaNodeLink link = new MediaNodeLink(address, config.replica(), config.clusterToken(), flow, timers, linkCallbacks);
            link.connect();
            return link;
        }, flow::nodeLost, config.replica(), config.discovery(), Clock.systemUTC());
        long pollMillis = discovery.settings().poll().toMillis();
        timers.scheduleWithFixedDelay(() -> workers.execute(discovery::poll), 0, pollMillis, TimeUnit.MILLISECONDS);
        long renewMillis = Math.max(100, config.bridgeLease().toMillis() / 3);
        timers.scheduleWithFixedDelay(() -> workers.execute(() -> {
            leases.renew();
            nodes.all().stream().filter(MediaNodeLink::connected).forEach(flow::adoptOrphans);
        }), renewMillis, renewMillis, TimeUnit.MILLISECONDS);
        CallActions actions = new CallActions(store, nodes, tenants, secrets);
        actionsLater.complete(actions);
        ConsultActions consults = new ConsultActions(store, actions, RingingSounds.from(root));
        consultsLater.complete(consults);
        ameyoEnding.actions.complete(actions);
        ameyoEnding.flow.complete(flow);
        ameyoEnding.nodes.complete(nodes);
        long ameyoSweep = ameyoConfig.sweepInterval().toMillis();
        timers.scheduleWithFixedDelay(() -> workers.execute(byeTimers::sweep), ameyoSweep, ameyoSweep, TimeUnit.MILLISECONDS);
        OutboundDialer dialer = new OutboundDialer(store, tenants, nodes, secrets);
        CallsApi calls = new CallsApi(store, dialer, actions, consults, guard, new RecordingsApi(recordingLinks, store, nodes));
        RecordingRetention retention = new RecordingRetention(db, recordingsConfig.retention(),
                node -> nodes.byNode(node).filter(MediaNodeLink::connected).map(MediaNodeLink::channel), Clock.systemUTC());
        long sweepMillis = recordingsConfig.sweepInterval().toMillis();
        timers.scheduleWithFixedDelay(() -> workers.execute(() -> {
            try {
                retention.sweep();
            } catch (RuntimeException e) {
                LOG.warning(() -> "the recording retention sweep failed: " + e.getMessage());
            }
        }), sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        returns.complete(new AsappReturns(transfers, store, actions, secrets));
        ApiKeyAuth auth = new ApiKeyAuth(tenants);
        CallTransfersApi callTransfers = new CallTransfersApi(transfers, store, returns.join(), auth,
                new AsappIntegration(db, asapp), secrets);
        Mount.Services services = new Mount.Services(db, auth, store, dialer, actions, guard,
                new Outbox(db, Clock.systemUTC()), outbox, secrets, actions::stats, new Recordings(recordingLinks, nodes),
                config.replica(),
                Clock.systemUTC());
        mounts.complete(mountFactories.stream().map(f -> f.create(root, services)).toList());
        mounts.join().forEach(m -> m.start(timers, workers));
        LOG.info(() -> "control-plane mounts " + mountFactories.stream().map(Mount.Factory::name).toList());
        // Reads compute expiry themselves; the sweep makes the stored status agree for reports.
        timers.scheduleWithFixedDelay(() -> workers.execute(() -> {
            try {
                transfers.expireDue();
            } catch (RuntimeException e) {
                LOG.warning(() -> "expiring ASAPP call transfers failed: " + e.getMessage());
            }
        }), 30, 30, TimeUnit.SECONDS);
        Warmup warmup = new Warmup(db, router, store, nodes);
        var server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(MAX_BODY)
                .directHandlers(Problems.beforeRouting(MAX_BODY, "control-plane"))
                .routing(r -> {
                    metrics.routing(r);
                    ControlHealth.routing(r, db, nodes, warmup::running);
                    routing(r, nodes, auth, calls, callTransfers, mounts.join());
                });
        mounts.join().forEach(m -> server.addRouting(m.wsRouting()));
        WebServer http = server.build().start();
        String bound = config.host().equals("0.0.0.0") || config.host().equals("::") || config.host().equals("[::]")
                ? "127.0.0.1" : config.host();
        ownBase.complete("http://" + bound + ":" + http.port());
        LOG.info(() -> "control-plane listening on " + config.host() + ":" + http.port() + ", media nodes " + config.mediaNodes());
        return new ControlPlane(db, nodes, flow, leases, outbox, workers, linkCallbacks, timers, http, metrics, warmup, bots);
    }

    /** Unreachable database, wrong credentials, a failed migration: each names the URL setting to check. */
    private static void migrate(Config dbConfig) {
        DbSettings settings = Settings.read(() -> DbSettings.from(dbConfig));
        try {
            Migrations.migrate(settings);
        } catch (RuntimeException e) {
            throw StartupException.database("control-plane", settings.url(), e);
        }
    }

    /** HTTP routes: health, then the provider API behind per-workspace API keys. Public for the tests. */
    public static void routing(HttpRouting.Builder routing, MediaNodes nodes, ApiKeyAuth auth, CallsApi calls) {
        routing(routing, nodes, auth, calls, null, List.of());
    }

    /**
     * The same, with the ASAPP-style call-transfer API when it is not null, and the mounted modules'
     * APIs (agents-api: seed 003).
     */
    public static void routing(HttpRouting.Builder routing, MediaNodes nodes, ApiKeyAuth auth, CallsApi calls,
                               CallTransfersApi callTransfers, List<Mount> mounts) {
        Problems.install(routing, "control-plane", LOG);
        routing.addFilter(auth)
                // Open like /health: ApiKeyAuth guards only /v1.
                .get(OpenApiDocument.PATH, OpenApiDocument.of(ControlPlane.class))
                .get("/health", (req, res) -> {
                    ObjectNode body = ApiJson.object().put("status", "UP");
                    ArrayNode list = body.putArray("media_nodes");
                    nodes.all().forEach(l -> list.addObject().put("node", l.node()).put("connected", l.connected()));
                    ApiJson.send(res, Status.OK_200, body);
                });
        calls.routing(routing);
        if (callTransfers != null) {
            callTransfers.routing(routing);
        }
        mounts.forEach(m -> m.routing(routing));
        routing.any((req, res) -> {
            throw ProblemException.of(404, "there is no route for " + req.prologue().method().text() + " "
                    + req.path().absolute().path());
        });
    }

    /**
     * Readies the set-up path before the process reports ready: media nodes connected, the database
     * pool full, the route and record path rehearsed ({@link Warmup}).
     */
    Warmup.Report warmUp(WarmupConfig config) throws InterruptedException {
        return warmup.run(config);
    }

    public int port() {
        return http.port();
    }

    public List<MediaNodeLink> links() {
        return nodes.all();
    }

    public CallFlow flow() {
        return flow;
    }

    @Override
    public void close() {
        timers.shutdownNow();
        // Calls keep their media: the media-plane waits for another replica to re-attach them.
        flow.detachAll();
        leases.releaseAll();
        bots.close(); // cancels the bridges' mux streams, which ends no call
        nodes.all().forEach(MediaNodeLink::close);
        linkCallbacks.shutdown();
        http.stop();
        outbox.close();
        workers.shutdown();
        db.close();
        metrics.close();
        LOG.info("control-plane stopped");
    }
}
