package dev.patchbay.admin.tenant;

import java.util.Arrays;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.rest.ApiJson;

/**
 * The wire form of tenant resources, written out field by field so the API's snake_case contract
 * does not change when a record does.
 */
public final class TenantJson {

    private TenantJson() {
    }

    public static ObjectNode workspace(Workspace w) {
        return ApiJson.object()
                .put("id", w.id())
                .put("name", w.name())
                .put("enabled", w.enabled())
                .put("created_at", w.createdAt().toString());
    }

    public static ObjectNode bot(Bot b) {
        ObjectNode o = ApiJson.object()
                .put("id", b.id())
                .put("workspace_id", b.workspaceId())
                .put("name", b.name())
                .put("kind", b.kind().wire())
                .put("url", b.url())
                .put("dialect", b.dialect())
                .put("sample_rate", b.sampleRate());
        ObjectNode params = o.putObject("custom_parameters");
        b.customParameters().forEach(params::put);
        o.put(BotTimeouts.CONNECT, b.timeouts().connectMs()).put(BotTimeouts.ANSWER, b.timeouts().answerMs());
        o.put(EarlyMediaChoice.MODE, b.earlyMedia().mode()).put(EarlyMediaChoice.CLIP, b.earlyMedia().clip());
        return o.put("created_at", b.createdAt().toString());
    }

    public static ObjectNode did(Did d) {
        return ApiJson.object()
                .put("id", d.id())
                .put("workspace_id", d.workspaceId())
                .put("number", d.number())
                .put("country", DidNumbers.country(d.number()).orElse(null))
                .put("bot_id", d.botId())
                .put(EarlyMediaChoice.MODE, d.earlyMedia() == null ? null : d.earlyMedia().mode())
                .put(EarlyMediaChoice.CLIP, d.earlyMedia() == null ? null : d.earlyMedia().clip())
                .put("created_at", d.createdAt().toString());
    }

    /** Never the secret or its hash: the secret is shown once, by the create answer, and the hash is of no use to a client. */
    public static ObjectNode apiKey(ApiKey k) {
        return ApiJson.object()
                .put("id", k.id())
                .put("workspace_id", k.workspaceId())
                .put("name", k.name())
                .put("created_at", k.createdAt().toString())
                .put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
    }

    /** Never the password, sealed or not: only whether there is one. */
    public static ObjectNode trunk(Trunk t) {
        ObjectNode o = ApiJson.object()
                .put("id", t.id())
                .put("workspace_id", t.workspaceId())
                .put("name", t.name())
                .put("direction", t.side().direction())
                .put("dtmf_mode", t.dtmfMode().wire());
        if (t.codecs() == null) {
            o.putNull("codecs");
        } else {
            t.codecs().forEach(o.putArray("codecs")::add);
        }
        switch (t.side()) {
            case TrunkSide.Outbound out -> o.put("host", out.host()).put("port", out.port())
                    .put("transport", out.transport().wire()).put("caller_id", out.callerId())
                    .put("caller_id_override", out.callerIdOverride());
            case TrunkSide.Inbound in -> {
                in.allowedCidrs().forEach(o.putArray("allowed_cidrs")::add);
                Arrays.stream(Transport.values()).filter(in.transports()::contains)
                        .forEach(x -> o.withArray("transports").add(x.wire()));
                o.put("tls_required", in.tlsRequired());
            }
        }
        return o.put("username", t.username())
                .put("has_password", t.hasPassword())
                .put("created_at", t.createdAt().toString());
    }

    /** A list response: one page of {@code items}, and the cursor of the next page (null on the last). */
    public static <T> ObjectNode items(PageRequest.Page<T> page, Function<T, ObjectNode> each) {
        ObjectNode body = ApiJson.object();
        ArrayNode items = body.putArray("items");
        page.items().forEach(v -> items.add(each.apply(v)));
        body.put("next_cursor", page.nextCursor());
        return body;
    }
}
