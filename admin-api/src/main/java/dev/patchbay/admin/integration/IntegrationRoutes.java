package dev.patchbay.admin.integration;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.audit.AuditLog;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.http.ETags;
import dev.patchbay.admin.tenant.TenantRoutes;
import dev.patchbay.admin.tenant.TenantService;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import dev.patchbay.schema.SecretBox;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code /v1/workspaces/{ws}/integrations/ameyo}, {@code …/ringcx} and {@code …/asapp}: a workspace's contact-centre
 * settings, one document each, replaced whole by PUT. Ameyo's Authorization value is sealed with the
 * shared {@link SecretBox} and never returned; {@code has_authorization} says whether one is stored.
 * A PUT that replaces settings needs the If-Match of what it replaces; a PUT that creates needs none.
 */
public final class IntegrationRoutes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TenantService tenants;
    private final DbClient db;
    private final SecretBox box;
    private final Clock clock;
    private final Audit audit;

    public IntegrationRoutes(TenantService tenants, DbClient db, SecretBox box, Clock clock, Audit audit) {
        this.tenants = tenants;
        this.db = db;
        this.box = box;
        this.clock = clock;
        this.audit = audit;
    }

    public List<ApiRoute> routes() {
        String path = TenantRoutes.WS + "/integrations/";
        return List.of(
                ApiRoute.put(path + "ameyo", Access.WORKSPACE, this::putAmeyo),
                ApiRoute.get(path + "ameyo", Access.WORKSPACE, (req, res) -> {
                    String ws = workspace(req);
                    ETags.send(res, ameyo(ws, IntegrationStore.ameyo(db.execute(), ws, false)
                            .orElseThrow(() -> notConfigured(ws, "ameyo"))));
                }),
                ApiRoute.delete(path + "ameyo", Access.WORKSPACE, (req, res) -> delete(req, res, "ameyo",
                        (tx, ws) -> IntegrationStore.ameyo(tx, ws, true).map(a -> ameyo(ws, a)),
                        IntegrationStore::deleteAmeyo)),
                ApiRoute.put(path + "ringcx", Access.WORKSPACE, this::putRingCx),
                ApiRoute.get(path + "ringcx", Access.WORKSPACE, (req, res) -> {
                    String ws = workspace(req);
                    ETags.send(res, ringCx(ws, IntegrationStore.ringCx(db.execute(), ws, false)
                            .orElseThrow(() -> notConfigured(ws, "ringcx"))));
                }),
                ApiRoute.delete(path + "ringcx", Access.WORKSPACE, (req, res) -> delete(req, res, "ringcx",
                        (tx, ws) -> IntegrationStore.ringCx(tx, ws, true).map(r -> ringCx(ws, r)),
                        IntegrationStore::deleteRingCx)),
                ApiRoute.put(path + "asapp", Access.WORKSPACE, this::putAsapp),
                ApiRoute.get(path + "asapp", Access.WORKSPACE, (req, res) -> {
                    String ws = workspace(req);
                    ETags.send(res, asapp(ws, IntegrationStore.asapp(db.execute(), ws, false)
                            .orElseThrow(() -> notConfigured(ws, "asapp"))));
                }),
                ApiRoute.delete(path + "asapp", Access.WORKSPACE, (req, res) -> delete(req, res, "asapp",
                        (tx, ws) -> IntegrationStore.asapp(tx, ws, true).map(a -> asapp(ws, a)),
                        IntegrationStore::deleteAsapp)));
    }

    private void putAmeyo(ServerRequest req, ServerResponse res) {
        String ws = workspace(req);
        AmeyoSettings s = AmeyoSettings.parse(ApiJson.read(req, AmeyoSettings.FIELDS));
        // Sealed before the transaction: encryption needs no lock.
        String sealed = s.authorization() == null ? null : box.seal(s.authorization());
        Optional<String> ifMatch = ETags.ifMatch(req);
        ObjectNode body = Db.inTransaction(db, tx -> {
            Optional<IntegrationStore.Ameyo> old = IntegrationStore.ameyo(tx, ws, true);
            ObjectNode before = old.map(a -> ameyo(ws, a)).orElse(null);
            requireCurrent(ifMatch, before);
            String auth = sealed != null ? sealed : old.map(IntegrationStore.Ameyo::authorizationEnc).orElse(null);
            IntegrationStore.Ameyo row = new IntegrationStore.Ameyo(String.join(",", s.allowedSources()),
                    s.notificationUrl(), auth, s.host(), s.notificationId(), s.propertiesJson(),
                    s.byeTimeoutSeconds() * 1000, now());
            IntegrationStore.writeAmeyo(tx, ws, row, old.isPresent());
            return recorded(tx, req, ws, "ameyo", before, ameyo(ws, row));
        });
        ETags.send(res, body);
    }

    private void putRingCx(ServerRequest req, ServerResponse res) {
        String ws = workspace(req);
        RingCxSettings s = RingCxSettings.parse(ApiJson.read(req, RingCxSettings.FIELDS));
        Optional<String> ifMatch = ETags.ifMatch(req);
        ObjectNode body = Db.inTransaction(db, tx -> {
            Optional<IntegrationStore.RingCx> old = IntegrationStore.ringCx(tx, ws, true);
            ObjectNode before = old.map(r -> ringCx(ws, r)).orElse(null);
            requireCurrent(ifMatch, before);
            IntegrationStore.RingCx row = new IntegrationStore.RingCx(s.infoMaxBytes(), s.byeTimeoutSeconds() * 1000, now());
            IntegrationStore.writeRingCx(tx, ws, row, old.isPresent());
            return recorded(tx, req, ws, "ringcx", before, ringCx(ws, row));
        });
        ETags.send(res, body);
    }

    private void putAsapp(ServerRequest req, ServerResponse res) {
        String ws = workspace(req);
        AsappSettings s = AsappSettings.parse(ApiJson.read(req, AsappSettings.FIELDS));
        if (s.botId() != null) {
            try {
                tenants.bot(ws, s.botId());
            } catch (ProblemException e) {
                throw ProblemException.invalid("the ASAPP integration is not valid", List.of(new FieldError(
                        "bot_id", "workspace " + ws + " has no bot " + s.botId())));
            }
        }
        Optional<String> ifMatch = ETags.ifMatch(req);
        ObjectNode body = Db.inTransaction(db, tx -> {
            Optional<IntegrationStore.Asapp> old = IntegrationStore.asapp(tx, ws, true);
            ObjectNode before = old.map(a -> asapp(ws, a)).orElse(null);
            requireCurrent(ifMatch, before);
            IntegrationStore.Asapp row = new IntegrationStore.Asapp(s.botId(), s.transferTtlSeconds(), s.returnTransferType(),
                    now());
            IntegrationStore.writeAsapp(tx, ws, row, old.isPresent());
            return recorded(tx, req, ws, "asapp", before, asapp(ws, row));
        });
        ETags.send(res, body);
    }

    private void delete(ServerRequest req, ServerResponse res, String kind, BiFunction<DbExecute, String, Optional<ObjectNode>> read,
                        BiFunction<DbExecute, String, Boolean> delete) {
        String ws = workspace(req);
        Db.inTransaction(db, tx -> {
            ObjectNode before = read.apply(tx, ws).orElseThrow(() -> notConfigured(ws, kind));
            delete.apply(tx, ws);
            AuditLog.record(tx, audit.entry(Principal.of(req), ws, kind + "_integration", ws, Audit.DELETE, before, null));
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    /** Replacing needs the current ETag; creating needs none, and an If-Match on nothing is stale (RFC 9110 13.1.1). */
    private static void requireCurrent(Optional<String> ifMatch, ObjectNode current) {
        if (current != null) {
            ETags.require(ifMatch, current);
        } else if (ifMatch.isPresent()) {
            throw ETags.stale();
        }
    }

    private ObjectNode recorded(DbExecute tx, ServerRequest req, String ws, String kind, ObjectNode before, ObjectNode after) {
        AuditLog.record(tx, audit.entry(Principal.of(req), ws, kind + "_integration", ws,
                before == null ? Audit.CREATE : Audit.UPDATE, before, after));
        return after;
    }

    /** The workspace from the path; 404 before the body is even read when it does not exist. */
    private String workspace(ServerRequest req) {
        return tenants.workspace(req.path().pathParameters().get(Access.WS)).id();
    }

    private Instant now() {
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

    private static ObjectNode asapp(String ws, IntegrationStore.Asapp a) {
        ObjectNode o = ApiJson.object().put("workspace_id", ws).put("bot_id", a.botId());
        o.put("transfer_ttl_seconds", a.transferTtlSeconds());
        return o.put("default_return_transfer_type", a.returnTransferType()).put("updated_at", a.updatedAt().toString());
    }

    private static ProblemException notConfigured(String ws, String kind) {
        return ProblemException.notFound("workspace " + ws + " has no " + kind + " integration; create it with PUT "
                + "/v1/workspaces/" + ws + "/integrations/" + kind, "integration");
    }
}
