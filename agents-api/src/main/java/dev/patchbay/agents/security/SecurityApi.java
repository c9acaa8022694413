package dev.patchbay.agents.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.Agent;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.auth.ClientAddress;
import dev.patchbay.agents.auth.IpAllowList;
import dev.patchbay.control.net.Cidrs;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 003 "Security & Compliance": the workspace's IP allow-list and API key rotation. Both are
 * operator actions, so they need the API key itself, never a session token.
 */
public final class SecurityApi {

    private static final int CIDRS_MAX = 50;
    private static final int DESCRIPTION_MAX = 200;

    private final DbClient db;
    private final IpAllowList allowList;
    private final ClientAddress clients;
    private final ApiKeys keys;
    private final Duration overlap;
    private final Clock clock;

    public SecurityApi(DbClient db, IpAllowList allowList, ClientAddress clients, Duration overlap, Clock clock) {
        this.db = db;
        this.clients = clients;
        this.allowList = allowList;
        this.keys = new ApiKeys(db);
        this.overlap = overlap;
        this.clock = clock;
    }

    public void routing(HttpRules rules) {
        rules.post(AgentAuth.PREFIX + "/security/whitelist", this::allow)
                .get(AgentAuth.PREFIX + "/security/whitelist", this::list)
                .delete(AgentAuth.PREFIX + "/security/whitelist/{id}", this::remove)
                .post(AgentAuth.PREFIX + "/security/rotate-key", this::rotate);
    }

    private void allow(ServerRequest req, ServerResponse res) {
        Agent agent = AgentAuth.agent(req);
        agent.requireKey("changing the IP allow-list");
        JsonBody body = ApiJson.read(req, List.of("ip_addresses", "description"));
        Optional<List<String>> given = body.stringList("ip_addresses");
        Optional<String> description = body.string("description");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        List<String> cidrs = given.orElse(List.of());
        if (cidrs.isEmpty() || cidrs.size() > CIDRS_MAX) {
            errors.add(new FieldError("ip_addresses", "is required: 1 to " + CIDRS_MAX + " addresses or CIDR networks,"
                    + " e.g. 203.0.113.0/24"));
        }
        for (int i = 0; i < cidrs.size(); i++) {
            int at = i;
            Cidrs.problem(cidrs.get(i)).ifPresent(why -> errors.add(new FieldError("ip_addresses[" + at + "]", why)));
        }
        if (description.isPresent() && description.get().length() > DESCRIPTION_MAX) {
            errors.add(new FieldError("description", "must be at most " + DESCRIPTION_MAX + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the allow-list request has invalid fields", errors);
        }
        List<String> existing = allowList.entries(agent.workspaceId()).stream().map(IpAllowList.Entry::cidr).toList();
        LinkedHashSet<String> added = new LinkedHashSet<>(cidrs.stream().map(String::strip).toList());
        added.removeAll(existing);
        List<String> after = new ArrayList<>(existing);
        after.addAll(added);
        String caller = caller(req);
        // A mature product's safety net: once a list exists only its networks get in, so a list
        // without the caller's own address would lock the caller out of the API that could fix it.
        if (!Cidrs.contains(after, caller)) {
            throw ProblemException.invalid("this allow-list would lock out the address this request comes from, "
                    + caller + "; include it (e.g. " + caller + (caller.contains(":") ? "/128" : "/32") + ")",
                    List.of(new FieldError("ip_addresses", "must include " + caller + ", the caller's own address")));
        }
        List<IpAllowList.Entry> entries = allowList.add(agent.workspaceId(), List.copyOf(added),
                description.map(String::strip).orElse(null), clock.instant());
        ObjectNode out = ApiJson.object();
        ArrayNode list = out.putArray("added");
        entries.forEach(e -> list.add(view(e)));
        out.put("enforced", true).put("your_ip", caller);
        ApiJson.send(res, Status.CREATED_201, out);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Agent agent = AgentAuth.agent(req);
        agent.requireKey("reading the IP allow-list");
        List<IpAllowList.Entry> entries = allowList.entries(agent.workspaceId());
        ObjectNode out = ApiJson.object();
        ArrayNode list = out.putArray("entries");
        entries.forEach(e -> list.add(view(e)));
        // An empty list lets every address that holds a key in.
        out.put("enforced", !entries.isEmpty()).put("your_ip", caller(req));
        ApiJson.send(res, Status.OK_200, out);
    }

    private void remove(ServerRequest req, ServerResponse res) {
        Agent agent = AgentAuth.agent(req);
        agent.requireKey("changing the IP allow-list");
        String id = req.path().pathParameters().get("id");
        List<IpAllowList.Entry> entries = allowList.entries(agent.workspaceId());
        if (entries.stream().noneMatch(e -> e.id().equals(id))) {
            throw ProblemException.notFound("there is no allow-list entry " + id + " in this workspace", "id");
        }
        List<String> after = entries.stream().filter(e -> !e.id().equals(id)).map(IpAllowList.Entry::cidr).toList();
        String caller = caller(req);
        // The same safety net: removing the entry that admits the caller, while others remain, locks it out.
        if (!after.isEmpty() && !Cidrs.contains(after, caller)) {
            throw ProblemException.conflict("removing " + id + " would lock out the address this request comes from, "
                    + caller + "; add another entry for it first", "id");
        }
        if (Db.inTransaction(db, tx -> tx.namedDml("security-api-delete", id, agent.workspaceId())) == 0) {
            throw ProblemException.notFound("there is no allow-list entry " + id + " in this workspace", "id");
        }
        ApiJson.send(res, Status.OK_200, ApiJson.object().put("success", true).put("id", id)
                .put("enforced", !after.isEmpty()));
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        Agent agent = AgentAuth.agent(req);
        agent.requireKey("rotating the API key");
        JsonBody body = ApiJson.read(req, List.of("current_key", "revoke_immediately"));
        Optional<String> current = body.string("current_key");
        Optional<Boolean> immediately = body.bool("revoke_immediately");
        body.requireShape();
        if (current.isEmpty() || current.get().isBlank()) {
            throw ProblemException.invalid("current_key is required", List.of(new FieldError("current_key",
                    "is required: the API key this request is authorized with")));
        }
        // Proof of possession: a caller rotates only the key it holds, so a leaked request log of
        // another key cannot be used to rotate that one.
        String used = req.headers().first(HeaderNames.AUTHORIZATION).orElse("").substring(7).strip();
        if (!MessageDigest.isEqual(used.getBytes(StandardCharsets.UTF_8), current.get().strip().getBytes(StandardCharsets.UTF_8))) {
            throw ProblemException.of(403, "current_key is not the key this request is authorized with",
                    new FieldError("current_key", "must equal the API key in the Authorization header"));
        }
        Instant now = clock.instant();
        Instant expires = immediately.orElse(false) ? now : now.plus(overlap);
        ApiKeys.Rotated r = keys.rotate(agent.workspaceId(), agent.keyId(), now, expires);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        ApiJson.send(res, Status.CREATED_201, ApiJson.object().put("key_id", r.keyId()).put("api_key", r.token())
                .put("old_key_id", agent.keyId()).put("old_key_expires_at", r.oldKeyExpiresAt().toString()));
    }

    private String caller(ServerRequest req) {
        return clients.of(req);
    }

    private static ObjectNode view(IpAllowList.Entry e) {
        return ApiJson.object().put("id", e.id()).put("cidr", e.cidr()).put("description", e.description())
                .put("created_at", e.createdAt().toString());
    }
}
