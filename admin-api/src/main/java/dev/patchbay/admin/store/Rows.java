package dev.patchbay.admin.store;

import java.util.Map;

import dev.patchbay.admin.tenant.ApiKey;
import dev.patchbay.admin.tenant.Bot;
import dev.patchbay.admin.tenant.BotKind;
import dev.patchbay.admin.tenant.Did;
import dev.patchbay.admin.tenant.KeyScope;
import dev.patchbay.admin.tenant.Transport;
import dev.patchbay.admin.tenant.Trunk;
import dev.patchbay.admin.tenant.Workspace;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbRow;

/** Rows to records, through {@link Db}'s driver-neutral column and timestamp reading. */
final class Rows {

    private Rows() {
    }

    static Workspace workspace(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new Workspace((String) c.get("id"), (String) c.get("name"), (Boolean) c.get("enabled"),
                Db.instant(c.get("created_at")));
    }

    static Bot bot(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        String kind = (String) c.get("kind");
        return new Bot((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("name"),
                BotKind.fromWire(kind).orElseThrow(() -> new IllegalStateException("bots.kind '" + kind + "' is unknown")),
                (String) c.get("url"), (String) c.get("dialect"), Db.instant(c.get("created_at")));
    }

    static Did did(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new Did((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("number"),
                (String) c.get("bot_id"), Db.instant(c.get("created_at")));
    }

    static ApiKey apiKey(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new ApiKey((String) c.get("id"), (String) c.get("workspace_id"), KeyScope.fromWire((String) c.get("scope")),
                (String) c.get("name"),
                (String) c.get("secret_sha256"), Db.instant(c.get("created_at")), Db.instant(c.get("revoked_at")));
    }

    static Trunk trunk(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        String transport = (String) c.get("transport");
        return new Trunk((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("name"),
                (String) c.get("host"), ((Number) c.get("port")).intValue(),
                Transport.fromWire(transport).orElseThrow(() -> new IllegalStateException("trunks.transport '" + transport + "' is unknown")),
                (String) c.get("username"), (String) c.get("password_enc"), Db.instant(c.get("created_at")));
    }
}
