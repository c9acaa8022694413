package dev.patchbay.agents;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import dev.patchbay.agents.account.SessionsApi;
import dev.patchbay.agents.account.WalletApi;
import dev.patchbay.agents.ai.AiApi;
import dev.patchbay.agents.ai.LivePlayer;
import dev.patchbay.agents.ai.LlmConfig;
import dev.patchbay.agents.ai.VoiceApi;
import dev.patchbay.agents.ai.VoiceConfig;
import dev.patchbay.agents.analytics.AnalyticsApi;
import dev.patchbay.agents.analytics.AnalyticsStore;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.auth.ClientAddress;
import dev.patchbay.agents.auth.IpAllowList;
import dev.patchbay.agents.auth.RateLimiter;
import dev.patchbay.agents.calls.AgentCallStore;
import dev.patchbay.agents.calls.AgentCallsApi;
import dev.patchbay.agents.calls.AgentDialer;
import dev.patchbay.agents.calls.Billing;
import dev.patchbay.agents.calls.Quality;
import dev.patchbay.agents.calls.ReservationSweeper;
import dev.patchbay.agents.config.AgentsConfig;
import dev.patchbay.agents.contacts.ContactStore;
import dev.patchbay.agents.contacts.ContactsApi;
import dev.patchbay.agents.jobs.DialJobStore;
import dev.patchbay.agents.jobs.JobRunner;
import dev.patchbay.agents.jobs.JobsApi;
import dev.patchbay.agents.numbers.NumbersApi;
import dev.patchbay.agents.security.SecurityApi;
import dev.patchbay.agents.session.SessionStore;
import dev.patchbay.agents.transcripts.TranscriptHub;
import dev.patchbay.agents.transcripts.TranscriptListener;
import dev.patchbay.agents.transcripts.TranscriptStore;
import dev.patchbay.agents.transcripts.TranscriptsApi;
import dev.patchbay.agents.transcripts.TranscriptsConfig;
import dev.patchbay.agents.transcripts.asr.AsrConfig;
import dev.patchbay.agents.transcripts.asr.AsrTranscripts;
import dev.patchbay.agents.transcripts.asr.RecordingTranscriber;
import dev.patchbay.agents.wallet.Ledger;
import dev.patchbay.agents.wallet.RateTable;
import dev.patchbay.agents.wallet.Wallet;
import dev.patchbay.agents.webhooks.AgentEvents;
import dev.patchbay.agents.webhooks.AgentWebhookStore;
import dev.patchbay.agents.webhooks.WebhooksApi;
import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.call.CallObserver;
import dev.patchbay.control.call.CallObservers;
import dev.patchbay.control.call.OutboundDialer;
import dev.patchbay.control.delivery.Outbox;
import dev.patchbay.control.delivery.OutboxWorker;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.mount.Mount;
import dev.patchbay.control.recording.Recordings;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.OpenApiDocument;
import dev.patchbay.schema.SecretBox;
import dev.patchbay.startup.Settings;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;

/**
 * The agents' calling API of seed 003 under {@code /api/v1}, wired in one place: the auth filter
 * and every feature's routes, plus the call observer that bills and reports agents' calls.
 */
public final class AgentsApi implements Mount {

    /** What the agents' API uses of the rest of the control-plane. */
    public record Deps(DbClient db, ApiKeyAuth keys, CallStore calls, OutboundDialer dialer, CallActions actions,
                       SsrfGuard guard, Outbox outbox, OutboxWorker worker, SecretBox secrets,
                       Function<CallRecord, Optional<RtpStats>> liveStats, LivePlayer player, Recordings recordings,
                       String replica, Clock clock) { }

    private final AgentsConfig config;
    private final AgentAuth auth;
    private final SessionStore sessionStore;
    private final SessionsApi sessions;
    private final Wallet wallet;
    private final WalletApi walletApi;
    private final IpAllowList allowList;
    private final RateLimiter limiter;
    private final AgentWebhookStore webhookStore;
    private final WebhooksApi webhooks;
    private final AgentCallsApi calls;
    private final Billing billing;
    private final JobsApi jobsApi;
    private final JobRunner runner;
    private final ReservationSweeper sweeper;
    private final TranscriptHub transcriptHub;
    private final TranscriptsApi transcripts;
    private final AiApi ai;
    private final VoiceApi voice;
    private final NumbersApi numbers;
    private final ContactsApi contacts;
    private final SecurityApi security;
    private final AnalyticsApi analytics;
    private final CallObserver asr;

    /** Everything from {@code patchbay.agents} of {@code root}. */
    public AgentsApi(Config root, Deps d) {
        this.config = AgentsConfig.from(root);
        this.sessionStore = new SessionStore(d.db(), d.clock());
        this.allowList = new IpAllowList(d.db());
        this.limiter = new RateLimiter(d.db(), d.clock(), config.requestsPerHour());
        this.wallet = new Wallet(new Ledger(d.db(), d.clock()), new RateTable(config), config);
        this.sessions = new SessionsApi(d.db(), sessionStore, wallet, config);
        this.walletApi = new WalletApi(sessions, wallet);
        this.webhookStore = new AgentWebhookStore(d.db());
        this.webhooks = new WebhooksApi(sessions, webhookStore, d.secrets(), d.guard());
        AgentEvents events = new AgentEvents(webhookStore, d.outbox(), d.worker(), d.secrets(), d.clock());
        AgentCallStore agentCalls = new AgentCallStore(d.db());
        Quality quality = new Quality(config.baseDelayMs(), d.liveStats());
        this.billing = new Billing(agentCalls, sessionStore, wallet, events, quality, config.billingIncrement(),
                config.lowBalanceMinutes());
        DialJobStore jobs = new DialJobStore(d.db());
        AgentDialer dialer = new AgentDialer(d.dialer(), agentCalls, wallet, events, d.guard(), config, jobs::linkCall);
        this.calls = new AgentCallsApi(sessions, dialer, agentCalls, d.calls(), d.actions(), wallet, quality, billing,
                d.recordings().links(), dev.patchbay.control.call.RingingSounds.from(root));
        this.jobsApi = new JobsApi(sessions, jobs, dialer.destinations(), d.clock());
        this.runner = new JobRunner(jobs, sessionStore, dialer, d.replica(), d.clock());
        this.sweeper = new ReservationSweeper(wallet.ledger(), d.calls(), billing, config.billingIncrement(),
                config.sweepGrace(), d.clock());
        TranscriptsConfig transcriptsConfig = TranscriptsConfig.from(root);
        this.transcriptHub = new TranscriptHub(transcriptsConfig.subscriberQueue());
        TranscriptStore transcriptStore = new TranscriptStore(d.db(), d.clock());
        // transcription.updated: to the session's subscribers and to the webhook_url given at /transcribe.
        TranscriptListener updated = (callId, sessionId, segment) -> sessionStore.find(sessionId).ifPresent(s -> {
            var t = transcriptStore.transcription(callId);
            var data = ApiJson.object().put("call_id", callId).put("session_id", sessionId)
                    .put("transcription_id", t.map(TranscriptStore.Transcription::id).orElse(null));
            data.set("segment", segment.json());
            events.emit(s, callId, "transcription.updated", data, t.map(TranscriptStore.Transcription::webhookUrl).orElse(null));
        });
        this.transcripts = new TranscriptsApi(transcriptStore, sessionStore, transcriptHub, transcriptsConfig,
                config.publicUrl(), updated);
        AsrConfig asrConfig = Settings.read(() -> AsrConfig.from(root));
        // Transcripts stay bot-posted unless an operator configured a recogniser.
        this.asr = asrConfig.provider().<CallObserver>map(p -> new AsrTranscripts(new RecordingTranscriber(p, asrConfig.timeout()),
                new AsrTranscripts.RecordingSource() {
                    @Override
                    public InputStream open(CallRecord call) throws IOException {
                        return d.recordings().open(call);
                    }

                    @Override
                    public boolean retryable(IOException e) {
                        return e instanceof Recordings.Unavailable u && u.retry();
                    }
                }, transcriptStore, transcripts, Executors.newVirtualThreadPerTaskExecutor())).orElse(CallObserver.NONE);
        ClientAddress clients = Settings.read(() -> ClientAddress.from(root));
        this.auth = new AgentAuth(d.keys(), sessionStore, allowList, clients, limiter, transcripts::streamUpgradeAllowed);
        this.ai = new AiApi(LlmConfig.from(root), transcriptStore);
        this.voice = new VoiceApi(VoiceConfig.from(root), d.db(), d.clock(), transcriptStore, config.publicUrl(), d.player());
        this.numbers = new NumbersApi(wallet.rates());
        this.contacts = new ContactsApi(sessions, new ContactStore(d.db()), d.clock());
        this.security = new SecurityApi(d.db(), allowList, clients, config.keyOverlap(), d.clock());
        this.analytics = new AnalyticsApi(sessions, new AnalyticsStore(d.db()), d.clock());
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.addFilter(auth)
                .get(AgentAuth.OPENAPI, OpenApiDocument.of(AgentsApi.class));
        sessions.routing(routing);
        walletApi.routing(routing);
        webhooks.routing(routing);
        calls.routing(routing);
        jobsApi.routing(routing);
        transcripts.routing(routing);
        ai.routing(routing);
        voice.routing(routing);
        numbers.routing(routing);
        contacts.routing(routing);
        security.routing(routing);
        analytics.routing(routing);
    }

    /** WebSocket routes (the live transcript stream); add to the same server as {@link #routing}. */
    @Override
    public WsRouting.Builder wsRouting() {
        return WsRouting.builder().endpoint(TranscriptsApi.STREAM_PATH, transcripts::stream);
    }

    /** Starts placing batch, scheduled and queued calls as they come due, and sweeping held wallet reservations. */
    @Override
    public void start(ScheduledExecutorService timers, ExecutorService workers) {
        runner.start(timers, workers, config.jobPollInterval());
        sweeper.start(timers, workers, config.sweepInterval());
    }

    /** Bills and reports agents' calls as they are answered and end, then settles their dial jobs. */
    @Override
    public CallObserver observer() {
        return new CallObservers(() -> billing, () -> runner, () -> asr);
    }

    public ReservationSweeper sweeper() {
        return sweeper;
    }

    public AgentsConfig config() {
        return config;
    }

    public SessionsApi sessions() {
        return sessions;
    }

    public TranscriptsApi transcripts() {
        return transcripts;
    }

    public TranscriptHub transcriptHub() {
        return transcriptHub;
    }
}
