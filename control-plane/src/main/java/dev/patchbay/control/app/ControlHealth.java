package dev.patchbay.control.app;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.ProblemException;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;

/**
 * Kubernetes probes. {@code /health/live}: the process answers. {@code /health/ready}: this replica
 * can serve, which means its database answers; the media nodes are listed but do not gate it, so a
 * fleet with no media host yet still answers its API with problem+json rather than no replica at all.
 */
public final class ControlHealth {

    private ControlHealth() {
    }

    /** A probe must answer within its own timeout (Kubernetes: 1 s by default); a pool waiting 30 s for a connection must not hold it. */
    static final Duration DB_CHECK = Duration.ofSeconds(1);

    public static void routing(HttpRouting.Builder routing, DbClient db, MediaNodes nodes, BooleanSupplier warming) {
        routing.get("/health/live", (req, res) -> ApiJson.send(res, Status.OK_200, ApiJson.object().put("status", "UP")));
        routing.get("/health/ready", (req, res) -> {
            String why = warming.getAsBoolean() ? "warming up the call set-up path (media nodes, database pool, routing);"
                    + " ready within patchbay.control.warmup.media-wait plus its budget" : databaseProblem(db);
            if (why != null) {
                ApiJson.sendProblem(res, "/health/ready", ProblemException.of(503, why));
                return;
            }
            ObjectNode body = ApiJson.object().put("status", "UP");
            ArrayNode list = body.putArray("media_nodes");
            for (MediaNodeLink l : nodes.all()) {
                ObjectNode n = list.addObject().put("node", l.node()).put("connected", l.connected());
                nodes.info(l.node()).ifPresent(i -> n.put("node_id", i.nodeId()).put("state", i.active() ? "active" : "draining")
                        .put("calls", i.currentCalls()).put("capacity", i.capacity()));
            }
            ApiJson.send(res, Status.OK_200, body);
        });
    }

    private static String databaseProblem(DbClient db) {
        CompletableFuture<Long> check = new CompletableFuture<>();
        Thread.ofVirtual().name("ready-check").start(() -> {
            try {
                check.complete(db.execute().query("SELECT 1").count());
            } catch (RuntimeException e) {
                check.completeExceptionally(e);
            }
        });
        try {
            check.get(DB_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            return "the database did not answer within " + DB_CHECK.toMillis() + " ms";
        } catch (ExecutionException e) {
            return "the database does not answer: " + e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
