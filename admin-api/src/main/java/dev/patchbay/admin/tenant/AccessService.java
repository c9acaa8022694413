package dev.patchbay.admin.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.admin.http.PageRequest.Page;
import dev.patchbay.admin.ids.Ids;
import dev.patchbay.rest.ProblemException;

/**
 * The credentials of a workspace: provider API keys (the control-plane's), workspace admin keys
 * (this API's), and the secret that signs the webhooks Patchbay sends. Both kinds of key are one
 * code path, told apart by {@link KeyScope}. Secrets leave this class once, in the answer that
 * creates them; only a key's SHA-256 is stored.
 */
public final class AccessService {

    /** Prefix of the webhook signing secret, so a leaked one is recognisable (as Stripe's and Svix's are). */
    public static final String WEBHOOK_SECRET_PREFIX = "whsec_";

    private final TenantService tenants;
    private final TenantRepository repo;
    private final Clock clock;
    private final Ids ids;
    private final Secrets secrets;
    private final Audit audit;
    private final Duration defaultOverlap;

    public AccessService(TenantService tenants, TenantRepository repo, Clock clock, Ids ids, Secrets secrets, Audit audit,
                         Duration defaultOverlap) {
        this.tenants = tenants;
        this.repo = repo;
        this.clock = clock;
        this.ids = ids;
        this.secrets = secrets;
        this.audit = audit;
        this.defaultOverlap = defaultOverlap;
    }

    /** Takes the workspace already looked up, so the caller can check it before parsing the body. */
    public IssuedApiKey createKey(KeyScope scope, Workspace workspace, NewApiKey req, Principal by) {
        IssuedApiKey issued = issue(ids, secrets, scope, workspace.id(), req.name(), now(clock));
        return repo.inTransaction(tx -> {
            tx.insertApiKey(issued.key());
            tx.insertAudit(audit.entry(by, workspace.id(), scope.resourceType(), issued.key().id(), Audit.CREATE, null,
                    TenantJson.apiKey(issued.key())));
            return issued;
        });
    }

    /** A key and its one-time token, not yet stored: shared with the demo seed, which stores it in its own transaction. */
    static IssuedApiKey issue(Ids ids, Secrets secrets, KeyScope scope, String workspaceId, String name, Instant now) {
        String id = ids.next(scope.prefix());
        String secret = secrets.next();
        ApiKey key = new ApiKey(id, workspaceId, scope, name, Secrets.sha256Hex(secret), now, null);
        return new IssuedApiKey(key, id + "." + secret);
    }

    public Page<ApiKey> keys(KeyScope scope, String workspaceId, PageRequest page) {
        tenants.workspace(workspaceId);
        return page.page(repo.apiKeys(workspaceId, scope, page), ApiKey::createdAt, ApiKey::id);
    }

    public ApiKey key(KeyScope scope, String workspaceId, String keyId) {
        tenants.workspace(workspaceId);
        return repo.apiKey(workspaceId, scope, keyId).orElseThrow(() -> keyNotFound(scope, workspaceId, keyId));
    }

    /** Revokes a key now; revoking it again is a no-op that still answers success, so a retried DELETE is safe. */
    public void revokeKey(KeyScope scope, String workspaceId, String keyId, Principal by) {
        ApiKey before = key(scope, workspaceId, keyId);
        Instant at = now(clock);
        repo.inTransaction(tx -> {
            if (!tx.revokeApiKey(workspaceId, scope, keyId, at)) {
                throw keyNotFound(scope, workspaceId, keyId);
            }
            ApiKey after = tx.apiKey(workspaceId, scope, keyId).orElseThrow();
            if (!Objects.equals(before.revokedAt(), after.revokedAt())) {
                tx.insertAudit(audit.entry(by, workspaceId, scope.resourceType(), keyId, Audit.REVOKE,
                        TenantJson.apiKey(before), TenantJson.apiKey(after)));
            }
            return null;
        });
    }

    /**
     * Issues a successor with the same name and lets the old key work until the overlap ends, so
     * clients can switch without an outage. A key whose end is already set cannot be rotated again.
     */
    public IssuedApiKey rotateKey(KeyScope scope, String workspaceId, String keyId, Optional<Duration> overlap,
                                  Principal by) {
        ApiKey old = key(scope, workspaceId, keyId);
        Instant now = now(clock);
        Instant end = now.plus(overlap.orElse(defaultOverlap));
        IssuedApiKey next = issue(ids, secrets, scope, workspaceId, old.name(), now);
        return repo.inTransaction(tx -> {
            if (!tx.scheduleRevocation(workspaceId, scope, keyId, end)) {
                throw ProblemException.conflict(scope.noun() + " " + keyId + " is already revoked or rotated"
                        + " (it ends at " + old.revokedAt() + "); rotate its successor instead", "key_id");
            }
            tx.insertApiKey(next.key());
            ApiKey ending = new ApiKey(old.id(), workspaceId, scope, old.name(), old.secretSha256(), old.createdAt(), end);
            tx.insertAudit(audit.entry(by, workspaceId, scope.resourceType(), keyId, Audit.ROTATE,
                    TenantJson.apiKey(old), TenantJson.apiKey(ending)));
            tx.insertAudit(audit.entry(by, workspaceId, scope.resourceType(), next.key().id(), Audit.CREATE, null,
                    TenantJson.apiKey(next.key()).put("rotated_from", keyId)));
            return next;
        });
    }

    /**
     * The workspace an admin token opens, if it is a live admin key. Unknown ids and wrong secrets
     * look the same to the caller; the secret is compared by hash in constant time.
     */
    public Optional<Principal> authenticate(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0 || !token.startsWith(KeyScope.ADMIN.prefix())) {
            return Optional.empty();
        }
        byte[] presented = Secrets.sha256Hex(token.substring(dot + 1)).getBytes(StandardCharsets.US_ASCII);
        Instant now = clock.instant();
        return repo.apiKeyById(token.substring(0, dot))
                .filter(k -> k.scope() == KeyScope.ADMIN && k.liveAt(now))
                .filter(k -> MessageDigest.isEqual(presented, k.secretSha256().getBytes(StandardCharsets.US_ASCII)))
                .map(k -> new Principal.WorkspaceKey(k.id(), k.workspaceId()));
    }

    /** Replaces the webhook signing secret; the old one stops signing at once. */
    public String rotateWebhookSecret(String workspaceId, Principal by) {
        String secret = WEBHOOK_SECRET_PREFIX + secrets.next();
        return repo.inTransaction(tx -> {
            if (!tx.setWebhookSecret(workspaceId, secret)) {
                throw Access.workspaceNotFound(workspaceId);
            }
            // The diff is empty on purpose: the only thing that changed is the secret itself.
            tx.insertAudit(audit.entry(by, workspaceId, "webhook_secret", workspaceId, Audit.ROTATE, null, null));
            return secret;
        });
    }

    private static ProblemException keyNotFound(KeyScope scope, String workspaceId, String keyId) {
        // The same answer for another workspace's key as for none: ids do not leak across tenants.
        return ProblemException.notFound(scope.noun() + " " + keyId + " does not exist in workspace " + workspaceId,
                "key_id");
    }

    // Truncated to what PostgreSQL stores, so the created resource equals what a later GET returns.
    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
