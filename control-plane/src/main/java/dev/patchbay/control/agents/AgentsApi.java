package dev.patchbay.control.agents;

import java.time.Clock;

import dev.patchbay.control.agents.analytics.AnalyticsApi;
import dev.patchbay.control.agents.analytics.AnalyticsStore;
import dev.patchbay.control.agents.auth.AgentAuth;
import dev.patchbay.control.agents.auth.IpAllowList;
import dev.patchbay.control.agents.auth.RateLimiter;
import dev.patchbay.control.agents.contacts.ContactStore;
import dev.patchbay.control.agents.contacts.ContactsApi;
import dev.patchbay.control.agents.numbers.NumbersApi;
import dev.patchbay.control.agents.security.SecurityApi;
import dev.patchbay.control.agents.session.SessionStore;
import dev.patchbay.control.agents.session.SessionsApi;
import dev.patchbay.control.agents.wallet.Ledger;
import dev.patchbay.control.agents.wallet.RateTable;
import dev.patchbay.control.agents.wallet.Wallet;
import dev.patchbay.control.agents.wallet.WalletApi;
import dev.patchbay.control.api.ApiKeyAuth;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.http.HttpRouting;

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
    private final NumbersApi numbers;
    private final ContactsApi contacts;
    private final SecurityApi security;
    private final AnalyticsApi analytics;

    public AgentsApi(AgentsConfig config, DbClient db, ApiKeyAuth keys, Clock clock) {
        this.config = config;
        this.sessionStore = new SessionStore(db, clock);
        this.allowList = new IpAllowList(db);
        this.limiter = new RateLimiter(db, clock, config.requestsPerHour());
        this.auth = new AgentAuth(keys, sessionStore, allowList, limiter);
        this.wallet = new Wallet(new Ledger(db, clock), new RateTable(config), config);
        this.sessions = new SessionsApi(db, sessionStore, wallet, config);
        this.walletApi = new WalletApi(sessions, wallet);
        this.numbers = new NumbersApi(wallet.rates());
        this.contacts = new ContactsApi(sessions, new ContactStore(db), clock);
        this.security = new SecurityApi(db, allowList, config.keyOverlap(), clock);
        this.analytics = new AnalyticsApi(sessions, new AnalyticsStore(db), clock);
    }

    public void routing(HttpRouting.Builder routing) {
        routing.addFilter(auth);
        sessions.routing(routing);
        walletApi.routing(routing);
        numbers.routing(routing);
        contacts.routing(routing);
        security.routing(routing);
        analytics.routing(routing);
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
}
