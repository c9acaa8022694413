package dev.patchbay.admin.tenant;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.patchbay.rest.ProblemException;

/**
 * The credentials a workspace's clients hold: provider API keys, and the secret that signs the
 * webhooks Patchbay sends them. Secrets leave this class once, in the answer that creates them;
 * only a key's SHA-256 is stored, and the control-plane's ApiKeyAuth compares against it.
 */
public final class AccessService {

    /** Prefix of the webhook signing secret, so a leaked one is recognisable (as Stripe's and Svix's are). */
    public static final String WEBHOOK_SECRET_PREFIX = "whsec_";

    private final TenantService tenants;
    private final TenantRepository repo;
    private final Clock clock;
    private final Ids ids;
    private final Secrets secrets;

    public AccessService(TenantService tenants, TenantRepository repo, Clock clock, Ids ids, Secrets secrets) {
        this.tenants = tenants;
        this.repo = repo;
        this.clock = clock;
        this.ids = ids;
        this.secrets = secrets;
    }

    /** Takes the workspace already looked up, so the caller can check it before parsing the body. */
    public IssuedApiKey createApiKey(Workspace workspace, NewApiKey req) {
        IssuedApiKey issued = issue(ids, secrets, workspace.id(), req.name(), now(clock));
        repo.insertApiKey(issued.key());
        return issued;
    }

    /** A key and its one-time token, not yet stored: shared with the demo seed, which stores it in its own transaction. */
    static IssuedApiKey issue(Ids ids, Secrets secrets, String workspaceId, String name, Instant now) {
        String id = ids.next("key_");
        String secret = secrets.next();
        ApiKey key = new ApiKey(id, workspaceId, name, Secrets.sha256Hex(secret), now, null);
        return new IssuedApiKey(key, id + "." + secret);
    }

    public List<ApiKey> apiKeys(String workspaceId) {
        tenants.workspace(workspaceId);
        return repo.apiKeys(workspaceId);
    }

    public ApiKey apiKey(String workspaceId, String keyId) {
        tenants.workspace(workspaceId);
        return repo.apiKey(workspaceId, keyId).orElseThrow(() -> keyNotFound(workspaceId, keyId));
    }

    /** Revokes a key; revoking it again is a no-op that still answers success, so a retried DELETE is safe. */
    public void revokeApiKey(String workspaceId, String keyId) {
        tenants.workspace(workspaceId);
        if (!repo.revokeApiKey(workspaceId, keyId, now(clock))) {
            throw keyNotFound(workspaceId, keyId);
        }
    }

    /** Replaces the webhook signing secret; the old one stops signing at once. */
    public String rotateWebhookSecret(String workspaceId) {
        String secret = WEBHOOK_SECRET_PREFIX + secrets.next();
        if (!repo.setWebhookSecret(workspaceId, secret)) {
            throw ProblemException.notFound("workspace " + workspaceId + " does not exist", "workspace_id");
        }
        return secret;
    }

    private static ProblemException keyNotFound(String workspaceId, String keyId) {
        // The same answer for another workspace's key as for none: ids do not leak across tenants.
        return ProblemException.notFound("API key " + keyId + " does not exist in workspace " + workspaceId, "key_id");
    }

    // Truncated to what PostgreSQL stores, so the created resource equals what a later GET returns.
    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
