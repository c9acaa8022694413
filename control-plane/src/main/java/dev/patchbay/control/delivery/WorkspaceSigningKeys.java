package dev.patchbay.control.delivery;

import java.nio.file.Path;
import java.util.Optional;

import dev.patchbay.control.store.Tenants;
import dev.patchbay.schema.LocalSecrets;

/**
 * Signs each workspace's webhooks with its own secret ({@code workspaces.webhook_secret}, set with
 * the admin API), so one tenant's receiver cannot verify, or forge, another's. A workspace without
 * one falls back to {@code patchbay.control.outbound.signing-keys.default}; in local mode that is
 * generated once under {@code <patchbay.var>/webhook-signing-key}, so signing never blocks a demo.
 * The key id is the workspace id.
 */
public final class WorkspaceSigningKeys implements SigningKeys {

    private final Tenants tenants;
    private final Optional<WebhookSigner> fallback;

    public WorkspaceSigningKeys(Tenants tenants, Optional<WebhookSigner> fallback) {
        this.tenants = tenants;
        this.fallback = fallback;
    }

    /** {@code configured} keys' "default" as the fallback; in local mode a generated one under {@code var} if it has none. */
    public static WorkspaceSigningKeys from(SigningKeys configuredKeys, boolean local, Path var, Tenants tenants) {
        Optional<WebhookSigner> configured = configuredKeys.signer("default");
        if (configured.isPresent() || !local) {
            return new WorkspaceSigningKeys(tenants, configured);
        }
        Path file = var.resolve("webhook-signing-key");
        return new WorkspaceSigningKeys(tenants, Optional.of(WebhookSigner.of(LocalSecrets.readOrCreate(file, "whsec_", CONFIG_KEY + ".default"))));
    }

    @Override
    public Optional<WebhookSigner> signer(String workspaceId) {
        Optional<String> own = tenants.webhookSecret(workspaceId).filter(s -> !s.isBlank());
        return own.map(WebhookSigner::of).or(() -> fallback);
    }
}
