package dev.patchbay.control.integration.asapp;

import java.time.Duration;
import java.util.Map;

import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/**
 * The ASAPP settings that apply to one workspace: its own (admin API, {@code asapp_integrations})
 * where it has them, the gateway's {@code patchbay.asapp.*} otherwise. Read per request, so a change
 * applies to the next transfer.
 */
public final class AsappIntegration {

    private final DbClient db;
    private final AsappConfig defaults;

    public AsappIntegration(DbClient db, AsappConfig defaults) {
        this.db = db;
        this.defaults = defaults;
    }

    public AsappConfig defaults() {
        return defaults;
    }

    public AsappConfig forWorkspace(String workspaceId) {
        return db.execute().namedGet("asapp-select-settings", workspaceId).map(row -> {
            Map<String, Object> c = Db.columns(row);
            Object ttl = c.get("transfer_ttl_seconds");
            String type = (String) c.get("return_transfer_type");
            String bot = (String) c.get("bot_id");
            return defaults
                    .withTransferTtl(ttl == null ? defaults.transferTtl() : Duration.ofSeconds(((Number) ttl).longValue()))
                    .withBot(bot == null ? defaults.bot() : bot)
                    .withReturnTransferType(type == null ? defaults.returnTransferType() : CallTransfer.ReturnType.parse(type)
                            .orElse(defaults.returnTransferType()));
        }).orElse(defaults);
    }
}
