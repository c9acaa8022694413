package dev.patchbay.admin.audit;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.rest.ApiJson;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /v1/workspaces/{ws}/audit-log} (that workspace) and {@code GET /v1/audit-log} (everything, operator only). */
public final class AuditRoutes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLog log;
    private final Consumer<String> requireWorkspace;

    /** @param requireWorkspace throws the workspace's 404 when it does not exist */
    public AuditRoutes(AuditLog log, Consumer<String> requireWorkspace) {
        this.log = log;
        this.requireWorkspace = requireWorkspace;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get("/v1/workspaces/{ws}/audit-log", Access.WORKSPACE, (req, res) -> {
                    String ws = req.path().pathParameters().get(Access.WS);
                    requireWorkspace.accept(ws);
                    send(res, log.page(ws, PageRequest.from(req)));
                }),
                ApiRoute.get("/v1/audit-log", Access.OPERATOR, this::all));
    }

    private void all(ServerRequest req, ServerResponse res) {
        send(res, log.page(null, PageRequest.from(req)));
    }

    private static void send(ServerResponse res, PageRequest.Page<AuditEntry> page) {
        ObjectNode body = ApiJson.object();
        ArrayNode items = body.putArray("items");
        for (AuditEntry e : page.items()) {
            ObjectNode o = items.addObject()
                    .put("id", e.id())
                    .put("workspace_id", e.workspaceId())
                    .put("actor", e.actor())
                    .put("resource_type", e.resourceType())
                    .put("resource_id", e.resourceId())
                    .put("action", e.action());
            try {
                o.set("diff", JSON.readTree(e.diff()));
            } catch (JsonProcessingException ex) {
                throw new UncheckedIOException("audit_log.diff of " + e.id() + " is not JSON", ex);
            }
            o.put("created_at", e.createdAt().toString());
        }
        body.put("next_cursor", page.nextCursor());
        ApiJson.send(res, Status.OK_200, body);
    }
}
