package dev.patchbay.admin.store;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.patchbay.admin.tenant.ApiKey;
import dev.patchbay.admin.tenant.Bot;
import dev.patchbay.admin.tenant.BotKind;
import dev.patchbay.admin.tenant.BotSettingsJson;
import dev.patchbay.admin.tenant.BotTimeouts;
import dev.patchbay.admin.tenant.Did;
import dev.patchbay.admin.tenant.DtmfMode;
import dev.patchbay.admin.tenant.EarlyMediaChoice;
import dev.patchbay.admin.tenant.KeyScope;
import dev.patchbay.admin.tenant.Transport;
import dev.patchbay.admin.tenant.Trunk;
import dev.patchbay.admin.tenant.TrunkCodecs;
import dev.patchbay.admin.tenant.TrunkSide;
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
                (String) c.get("url"), (String) c.get("dialect"), ((Number) c.get("sample_rate")).intValue(),
                BotSettingsJson.read((String) c.get("custom_parameters")),
                new BotTimeouts(millis(c.get("connect_timeout_ms")), millis(c.get("answer_timeout_ms"))),
                new EarlyMediaChoice((String) c.get("early_media"), (String) c.get("early_media_clip")),
                Db.instant(c.get("created_at")));
    }

    private static Integer millis(Object column) {
        return column == null ? null : ((Number) column).intValue();
    }

    static Did did(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        String early = (String) c.get("early_media");
        return new Did((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("number"),
                (String) c.get("bot_id"), early == null ? null : new EarlyMediaChoice(early, (String) c.get("early_media_clip")),
                Db.instant(c.get("created_at")));
    }

    static ApiKey apiKey(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new ApiKey((String) c.get("id"), (String) c.get("workspace_id"), KeyScope.fromWire((String) c.get("scope")),
                (String) c.get("name"),
                (String) c.get("secret_sha256"), Db.instant(c.get("created_at")), Db.instant(c.get("revoked_at")));
    }

    static Trunk trunk(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        TrunkSide side = "inbound".equals(c.get("direction"))
                ? new TrunkSide.Inbound(csv(c.get("allowed_cidrs")), csv(c.get("transports")).stream().map(Rows::transport)
                        .collect(Collectors.toSet()), Boolean.TRUE.equals(c.get("tls_required")))
                : new TrunkSide.Outbound((String) c.get("host"), ((Number) c.get("port")).intValue(),
                        transport(c.get("transport")), (String) c.get("caller_id"), !Boolean.FALSE.equals(c.get("caller_id_override")));
        return new Trunk((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("name"), side,
                (String) c.get("username"), (String) c.get("password_enc"), Db.instant(c.get("created_at")),
                DtmfMode.fromWire((String) c.get("dtmf_mode")).orElseThrow(() -> new IllegalStateException(
                        "trunks.dtmf_mode '" + c.get("dtmf_mode") + "' is unknown to this admin-api")),
                TrunkCodecs.fromColumn(c.get("codecs")));
    }

    private static Transport transport(Object wire) {
        return Transport.fromWire((String) wire).orElseThrow(() -> new IllegalStateException("trunks.transport '" + wire + "' is unknown"));
    }

    private static List<String> csv(Object text) {
        return text == null ? List.of() : Arrays.stream(((String) text).split(",")).map(String::strip)
                .filter(x -> !x.isEmpty()).toList();
    }
}
