package dev.patchbay.media.app;

import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.grpc.ControlHub;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;

/**
 * Kubernetes-style probes on the observe socket. {@code /health/live} says only that the process
 * answers; {@code /health/ready} says whether it can take a call, by the same rule as OPTIONS.
 */
final class HealthRoutes {

    private HealthRoutes() {
    }

    static void routing(HttpRouting.Builder routing, NodeReadiness readiness, CallManager calls, ControlHub hub) {
        routing.get("/health/live", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send("{\"status\":\"UP\"}");
        });
        routing.get("/health/ready", (req, res) -> {
            String why = readiness.why();
            res.status(why == null ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send("{\"status\":\"" + (why == null ? "UP" : "DOWN") + "\""
                    + (why == null ? "" : ",\"reason\":\"" + why.replace("\"", "'") + "\"")
                    + ",\"active_calls\":" + calls.activeCalls() + ",\"control_planes\":" + hub.connected() + "}");
        });
    }
}
