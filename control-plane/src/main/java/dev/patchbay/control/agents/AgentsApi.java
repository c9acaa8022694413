package dev.patchbay.control.agents;

import java.time.Clock;

import dev.patchbay.control.agents.ai.AiApi;
import dev.patchbay.control.agents.ai.LivePlayer;
import dev.patchbay.control.agents.ai.LlmConfig;
import dev.patchbay.control.agents.ai.VoiceApi;
import dev.patchbay.control.agents.ai.VoiceConfig;
import dev.patchbay.control.agents.auth.AgentAuth;
import dev.patchbay.control.agents.auth.IpAllowList;
import dev.patchbay.control.agents.auth.RateLimiter;
import dev.patchbay.control.agents.session.SessionStore;
import dev.patchbay.control.agents.session.SessionsApi;
import dev.patchbay.control.agents.transcripts.TranscriptHub;
import dev.patchbay.control.agents.transcripts.TranscriptListener;
import dev.patchbay.control.agents.transcripts.TranscriptStore;
import dev.patchbay.control.agents.transcripts.TranscriptsApi;
import dev.patchbay.control.agents.transcripts.TranscriptsConfig;
import dev.patchbay.control.agents.wallet.Ledger;
import dev.patchbay.control.agents.wallet.RateTable;
import dev.patchbay.control.agents.wallet.Wallet;
import dev.patchbay.control.agents.wallet.WalletApi;
import dev.patchbay.control.api.ApiKeyAuth;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;

/**
 * The agents' calling API of seed 003 under {@code /api/v1}, wired in one place: the auth filter
 * and every feature's routes. The parts are public so the control-plane's call flow can reach the
 * ones that react to calls (billing, webhooks).
 */
public final class AgentsApi {

    private final AgentsConfig config;
    private final AgentAuth auth;
    private final SessionStore sessionStore;
    private final SessionsApi sessions;
    private final Wallet wallet;
    private final WalletApi walletApi;
    private final IpAllowList allowList;
    private final RateLimiter limiter;
    private final TranscriptHub transcriptHub;
    private final TranscriptsApi transcripts;
    private final AiApi ai;
    private final VoiceApi voice;

    /** Everything from {@code patchbay.agents} of {@code root}; what the control-plane runs. */
    public AgentsApi(Config root, DbClient db, ApiKeyAuth keys, Clock clock) {
        this(AgentsConfig.from(root), root, db, keys, clock);
    }

    /** With the built-in defaults for the settings outside AgentsConfig (transcripts, AI). */
    public AgentsApi(AgentsConfig config, DbClient db, ApiKeyAuth keys, Clock clock) {
        this(config, Config.empty(), db, keys, clock);
    }

    private AgentsApi(AgentsConfig config, Config root, DbClient db, ApiKeyAuth keys, Clock clock) {
        this.config = config;
        this.sessionStore = new SessionStore(db, clock);
        this.allowList = new IpAllowList(db);
        this.limiter = new RateLimiter(db, clock, config.requestsPerHour());
        this.auth = new AgentAuth(keys, sessionStore, allowList, limiter);
        this.wallet = new Wallet(new Ledger(db, clock), new RateTable(config), config);
        this.sessions = new SessionsApi(db, sessionStore, wallet, config);
        this.walletApi = new WalletApi(sessions, wallet);
        TranscriptsConfig transcriptsConfig = TranscriptsConfig.from(root);
        this.transcriptHub = new TranscriptHub(transcriptsConfig.subscriberQueue());
        // transcription.updated webhooks hook in here.
        TranscriptStore transcriptStore = new TranscriptStore(db, clock);
        this.transcripts = new TranscriptsApi(transcriptStore, sessionStore, transcriptHub,
                transcriptsConfig, config.publicUrl(), TranscriptListener.NONE);
        this.ai = new AiApi(LlmConfig.from(root), transcriptStore);
        // The media-plane's Play RPC hooks in here (voice-synthesis with call_id).
        this.voice = new VoiceApi(VoiceConfig.from(root), db, clock, transcriptStore, config.publicUrl(), LivePlayer.NONE);
    }

    public void routing(HttpRouting.Builder routing) {
        routing.addFilter(auth);
        sessions.routing(routing);
        walletApi.routing(routing);
        transcripts.routing(routing);
        ai.routing(routing);
        voice.routing(routing);
    }

    /** WebSocket routes (the live transcript stream); add to the same server as {@link #routing}. */
    public WsRouting.Builder wsRouting() {
        return WsRouting.builder().endpoint(TranscriptsApi.STREAM_PATH, transcripts::stream);
    }

    public AgentsConfig config() {
        return config;
    }

    public SessionsApi sessions() {
        return sessions;
    }

    public SessionStore sessionStore() {
        return sessionStore;
    }

    public Wallet wallet() {
        return wallet;
    }

    public IpAllowList allowList() {
        return allowList;
    }

    public RateLimiter limiter() {
        return limiter;
    }

    public TranscriptsApi transcripts() {
        return transcripts;
    }

    public TranscriptHub transcriptHub() {
        return transcriptHub;
    }
}
