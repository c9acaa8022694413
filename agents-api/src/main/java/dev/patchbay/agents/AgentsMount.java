package dev.patchbay.agents;

import dev.patchbay.agents.ai.MediaPlanePlayer;
import dev.patchbay.agents.webhooks.AgentWebhookKeys;
import dev.patchbay.agents.webhooks.AgentWebhookStore;
import dev.patchbay.control.delivery.SigningKeys;
import dev.patchbay.control.mount.Mount;
import dev.patchbay.schema.SecretBox;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;

/** How the control-plane process mounts the agents' API: found by ServiceLoader, wired through {@link AgentsApi.Deps}. */
public final class AgentsMount implements Mount.Factory {

    @Override
    public String name() {
        return "agents-api";
    }

    /** Agents' webhook subscriptions sign with their own secrets; the rest with {@code next}. */
    @Override
    public SigningKeys signing(SigningKeys next, DbClient db, SecretBox secrets) {
        return new AgentWebhookKeys(next, new AgentWebhookStore(db), secrets);
    }

    @Override
    public Mount create(Config root, Mount.Services s) {
        return new AgentsApi(root, new AgentsApi.Deps(s.db(), s.keys(), s.calls(), s.dialer(), s.actions(), s.guard(),
                s.outbox(), s.worker(), s.secrets(), s.liveStats(), new MediaPlanePlayer(s.calls(), s.actions()),
                s.recordings(), s.replica(), s.clock()));
    }
}
