package dev.patchbay.admin.fleet;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;

/**
 * {@code GET /v1/media-nodes}: the media-plane nodes registered in {@code media_nodes} (V15), with
 * state, calls and capacity. Operator only: a node carries every workspace's calls. Read-only: a
 * node turns draining on SIGTERM and rewrites its row on every heartbeat, so a state written here
 * would not drain it.
 */
public final class FleetRoutes {

    private final DbClient db;

    public FleetRoutes(DbClient db) {
        this.db = db;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.get("/v1/media-nodes", Access.OPERATOR, (req, res) -> {
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
}
