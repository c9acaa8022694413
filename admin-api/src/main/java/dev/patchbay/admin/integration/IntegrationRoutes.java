package dev.patchbay.admin.integration;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.tenant.TenantService;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.SecretBox;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code /v1/workspaces/{ws}/integrations/ameyo} and {@code …/ringcx}: a workspace's contact-centre
 * settings, one document each, replaced whole by PUT. Ameyo's Authorization value is sealed with the
 * shared {@link SecretBox} and never returned; {@code has_authorization} says whether one is stored.
 */
public final class IntegrationRoutes implements HttpService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TenantService tenants;
    private final IntegrationStore store;
    private final SecretBox box;
    private final Clock clock;

    public IntegrationRoutes(TenantService tenants, DbClient db, SecretBox box, Clock clock) {
        this.tenants = tenants;
        this.store = new IntegrationStore(db);
        this.box = box;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put("/{ws}/integrations/ameyo", this::putAmeyo)
                .get("/{ws}/integrations/ameyo", (req, res) -> {
                    String ws = workspace(req);
                    ApiJson.send(res, Status.OK_200, ameyo(ws, store.ameyo(ws).orElseThrow(() -> notConfigured(ws, "ameyo"))));
                })
                .delete("/{ws}/integrations/ameyo", (req, res) -> {
                    String ws = workspace(req);
                    if (!store.deleteAmeyo(ws)) {
                        throw notConfigured(ws, "ameyo");
                    }
                    res.status(Status.NO_CONTENT_204).send();
                })
                .put("/{ws}/integrations/ringcx", this::putRingCx)
                .get("/{ws}/integrations/ringcx", (req, res) -> {
                    String ws = workspace(req);
                    ApiJson.send(res, Status.OK_200, ringCx(ws, store.ringCx(ws).orElseThrow(() -> notConfigured(ws, "ringcx"))));
                })
                .delete("/{ws}/integrations/ringcx", (req, res) -> {
                    String ws = workspace(req);
                    if (!store.deleteRingCx(ws)) {
                        throw notConfigured(ws, "ringcx");
                    }
                    res.status(Status.NO_CONTENT_204).send();
                });
    }

    private void putAmeyo(ServerRequest req, ServerResponse res) {
        String ws = workspace(req);
        AmeyoSettings s = AmeyoSettings.parse(ApiJson.read(req, AmeyoSettings.FIELDS));
        String sealed = s.authorization() != null ? box.seal(s.authorization())
                : store.ameyo(ws).map(IntegrationStore.Ameyo::authorizationEnc).orElse(null);
        IntegrationStore.Ameyo row = new IntegrationStore.Ameyo(String.join(",", s.allowedSources()), s.notificationUrl(),
                sealed, s.host(), s.notificationId(), s.propertiesJson(), s.byeTimeoutSeconds() * 1000, now());
        store.putAmeyo(ws, row);
        ApiJson.send(res, Status.OK_200, ameyo(ws, row));
    }

    private void putRingCx(ServerRequest req, ServerResponse res) {
        String ws = workspace(req);
        RingCxSettings s = RingCxSettings.parse(ApiJson.read(req, RingCxSettings.FIELDS));
        IntegrationStore.RingCx row = new IntegrationStore.RingCx(s.infoMaxBytes(), s.byeTimeoutSeconds() * 1000, now());
        store.putRingCx(ws, row);
        ApiJson.send(res, Status.OK_200, ringCx(ws, row));
    }

    /** The workspace from the path; 404 before the body is even read when it does not exist. */
    private String workspace(ServerRequest req) {
        return tenants.workspace(req.path().pathParameters().get("ws")).id();
    }

    private java.time.Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static ObjectNode ameyo(String ws, IntegrationStore.Ameyo a) {
        ObjectNode o = ApiJson.object().put("workspace_id", ws);
        Arrays.stream(a.allowedSources().split(",")).map(String::strip).filter(x -> !x.isEmpty())
                .forEach(o.putArray("allowed_sources")::add);
        o.put("notification_url", a.notificationUrl())
                .put("has_authorization", a.authorizationEnc() != null)
                .put("host", a.host())
                .put("notification_id", a.notificationId());
        try {
            o.set("properties", JSON.readTree(a.propertiesJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ameyo_integrations.properties of " + ws + " is not JSON", e);
        }
        return o.put("bye_timeout_seconds", a.byeTimeoutMs() / 1000).put("updated_at", a.updatedAt().toString());
    }

    private static ObjectNode ringCx(String ws, IntegrationStore.RingCx r) {
        return ApiJson.object().put("workspace_id", ws).put("info_max_bytes", r.infoMaxBytes())
                .put("bye_timeout_seconds", r.byeTimeoutMs() / 1000).put("updated_at", r.updatedAt().toString());
    }

    private static ProblemException notConfigured(String ws, String kind) {
        return ProblemException.notFound("workspace " + ws + " has no " + kind + " integration; create it with PUT "
                + "/v1/workspaces/" + ws + "/integrations/" + kind, "integration");
    }
}
