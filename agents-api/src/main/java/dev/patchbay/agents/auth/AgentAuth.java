package dev.patchbay.agents.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.session.SessionStore;
import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.OpenApiDocument;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.rest.StickyHeaders;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * Authenticates {@code /api/v1} (seed 003): {@code Authorization: Bearer <key id>.<secret>} with a
 * workspace API key plus {@code X-Agent-ID}, optionally narrowed to one session by
 * {@code X-Session-ID}; or {@code Authorization: Bearer tk_…}, a session token. Then the
 * workspace's IP allow-list and the key's hourly request budget apply.
 */
public final class AgentAuth implements Filter {

    public static final String PREFIX = "/api/v1";
    /** This API's OpenAPI document: open, like the control-plane's own. */
    public static final String OPENAPI = PREFIX + OpenApiDocument.PATH;
    public static final HeaderName AGENT_ID = HeaderNames.create("X-Agent-ID");
    public static final HeaderName SESSION_ID = HeaderNames.create("X-Session-ID");
    private static final Pattern AGENT = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    private static final String HOW = "send Authorization: Bearer <API key id>.<secret> with X-Agent-ID, or"
            + " Authorization: Bearer <session token>";

    private final ApiKeyAuth keys;
    private final SessionStore sessions;
    private final IpAllowList allowList;
    private final ClientAddress clients;
    private final RateLimiter limiter;
    private final Predicate<RoutingRequest> ownCredential;

    /**
     * @param ownCredential requests that carry a credential of their own, checked by their handler: the
     *                      transcript stream's WebSocket upgrade with its token. Helidon 4.5.0 runs HTTP
     *                      filters on WebSocket upgrades too (4.1.2 did not), so this filter must let them by.
     */
    public AgentAuth(ApiKeyAuth keys, SessionStore sessions, IpAllowList allowList, ClientAddress clients,
                     RateLimiter limiter, Predicate<RoutingRequest> ownCredential) {
        this.keys = keys;
        this.clients = clients;
        this.sessions = sessions;
        this.allowList = allowList;
        this.limiter = limiter;
        this.ownCredential = ownCredential;
    }

    /** The authenticated caller of an {@code /api/v1} request. */
    public static Agent agent(ServerRequest req) {
        return req.context().get(Agent.class).orElseThrow(() -> new IllegalStateException("AgentAuth did not run"));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if ((path.equals(PREFIX) || path.startsWith(PREFIX + "/")) && !path.equals(OPENAPI) && !ownCredential.test(req)) {
            Agent agent = authenticate(req);
            String source = clients.of(req);
            if (!allowList.allows(agent.workspaceId(), source)) {
                throw ProblemException.of(403, "requests from " + source + " are not on this workspace's IP allow-list;"
                        + " add the address with POST /api/v1/security/whitelist from an allowed one");
            }
            RateLimiter.Verdict v = limiter.hit(agent.viaKey() ? "key:" + agent.keyId() : "session:" + agent.sessionId());
            StickyHeaders counters = new StickyHeaders(Map.of("X-RateLimit-Limit", Integer.toString(v.limit()),
                    "X-RateLimit-Remaining", Integer.toString(v.remaining()), "X-RateLimit-Reset", Long.toString(v.resetSeconds())));
            counters.headers().forEach(res::header);
            req.context().register(counters);
            if (!v.allowed()) {
                throw ProblemException.of(429, "this key made more than " + v.limit() + " requests this hour; retry in "
                        + v.resetSeconds() + " s").withHeader("Retry-After", Long.toString(v.resetSeconds()));
            }
            req.context().register(agent);
        }
        chain.proceed();
    }

    private Agent authenticate(RoutingRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElseThrow(() ->
                unauthorized("Authorization", "the request has no Authorization header; " + HOW));
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("Authorization", "the Authorization scheme is not Bearer; " + HOW);
        }
        String token = header.substring(7).strip();
        Optional<String> agentHeader = req.headers().first(AGENT_ID).map(String::strip);
        if (agentHeader.isPresent() && !AGENT.matcher(agentHeader.get()).matches()) {
            throw unauthorized("X-Agent-ID", "X-Agent-ID must be 1 to 128 letters, digits and ._:@-");
        }
        if (token.startsWith("tk_")) {
            AgentSession s = session(token, "Authorization");
            if (agentHeader.isPresent() && !agentHeader.get().equals(s.agentId())) {
                throw ProblemException.of(403, "this session token belongs to another agent than X-Agent-ID says");
            }
            requireEnabled(s.workspaceId());
            return new Agent(s.workspaceId(), s.agentId(), null, s.id());
        }
        int dot = token.indexOf('.');
        Tenants.ApiKey key = keys.verify(dot < 0 ? token : token.substring(0, dot), dot < 0 ? "" : token.substring(dot + 1))
                .orElseThrow(() -> unauthorized("Authorization", "the API key is not valid or was revoked; " + HOW));
        if (!key.workspaceEnabled()) {
            throw ProblemException.of(403, "workspace " + key.workspaceId() + " is disabled; an operator can enable it");
        }
        String agentId = agentHeader.orElseThrow(() -> unauthorized("X-Agent-ID",
                "an API key acts for an agent: send X-Agent-ID with a stable identifier of the agent"));
        Optional<String> scoped = req.headers().first(SESSION_ID).map(String::strip);
        if (scoped.isPresent()) {
            AgentSession s = session(scoped.get(), "X-Session-ID");
            new Agent(key.workspaceId(), agentId, key.id(), null).authorize(s);
            return new Agent(key.workspaceId(), agentId, key.id(), s.id());
        }
        return new Agent(key.workspaceId(), agentId, key.id(), null);
    }

    private AgentSession session(String token, String field) {
        AgentSession s = sessions.byToken(SessionTokens.hash(token)).orElseThrow(() ->
                unauthorized(field, "the session token is not valid; create a session with POST /api/v1/sessions/create"));
        if (!s.active(sessions.now())) {
            throw unauthorized(field, "session " + s.id() + " has ended or expired; create a new one");
        }
        return s;
    }

    private void requireEnabled(String workspaceId) {
        if (!keys.workspaceEnabled(workspaceId)) {
            throw ProblemException.of(403, "workspace " + workspaceId + " is disabled; an operator can enable it");
        }
    }

    private static ProblemException unauthorized(String field, String detail) {
        return ProblemException.of(401, detail, List.of(new FieldError(field, detail)))
                .withHeader(HeaderNames.WWW_AUTHENTICATE.defaultCase(), "Bearer realm=\"patchbay-agents\"");
    }
}
