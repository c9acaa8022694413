package dev.patchbay.admin.fleet;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.audit.AuditLog;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.proto.media.v1.DrainResponse;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/media-nodes}: the media-plane nodes registered in {@code media_nodes} (V15), with
 * state, calls and capacity. Operator only: a node carries every workspace's calls. Read-only: a
 * node turns draining on SIGTERM and rewrites its row on every heartbeat, so a state written here
 * would not drain it.
 */
public final class FleetRoutes {

    private final DbClient db;
    private final MediaNodeClient nodes;
    private final Audit audit;

    public FleetRoutes(DbClient db, MediaNodeClient nodes, Audit audit) {
        this.db = db;
        this.nodes = nodes;
        this.audit = audit;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.post("/v1/media-nodes/{node}/drain", Access.OPERATOR, this::drain),
                ApiRoute.get("/v1/media-nodes", Access.OPERATOR, (req, res) -> {
            ObjectNode body = ApiJson.object();
            ArrayNode items = body.putArray("items");
            db.execute().namedQuery("select-media-nodes").forEach(row -> {
                Map<String, Object> c = Db.columns(row);
                items.addObject()
                        .put("node_id", (String) c.get("node_id"))
                        .put("sip_address", (String) c.get("sip_address"))
                        .put("state", (String) c.get("state"))
                        .put("current_calls", ((Number) c.get("current_calls")).intValue())
                        .put("capacity", ((Number) c.get("capacity")).intValue())
                        .put("started_at", Db.instant(c.get("started_at")).toString())
                        .put("heartbeat_at", Db.instant(c.get("heartbeat_at")).toString());
            });
            ApiJson.send(res, Status.OK_200, body);
        }));
    }

    private void drain(ServerRequest req, ServerResponse res) {
        String node = req.path().pathParameters().get("node");
        Map<String, Object> row = db.execute().namedGet("select-media-node", node).map(Db::columns)
                .orElseThrow(() -> ProblemException.notFound("media node " + node + " is not registered (it may have"
                        + " stopped already); GET /v1/media-nodes lists the nodes", "node_id"));
        if ("lost".equals(row.get("state"))) {
            throw ProblemException.conflict("media node " + node + " has lost its heartbeat and cannot be drained;"
                    + " a control-plane is ending its calls", "node_id");
        }
        Principal by = Principal.of(req);
        DrainResponse r = nodes.drain((String) row.get("grpc_address"), by.actor() + " via the admin API");
        // Platform-wide, so no workspace; the operator's audit log shows it.
        AuditLog.record(db.execute(), audit.entry(by, null, "media_node", node, "drain", null, ApiJson.object()
                .put("calls_in_progress", r.getCallsInProgress()).put("already_draining", r.getAlreadyDraining())));
        ApiJson.send(res, Status.ACCEPTED_202, ApiJson.object().put("node_id", node).put("state", "draining")
                .put("calls_in_progress", r.getCallsInProgress()).put("already_draining", r.getAlreadyDraining()));
    }
}
