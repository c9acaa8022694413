package dev.patchbay.admin.subscription;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.audit.AuditLog;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.http.ETags;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.admin.ids.Ids;
import dev.patchbay.admin.tenant.Secrets;
import dev.patchbay.admin.tenant.TenantJson;
import dev.patchbay.admin.tenant.TenantRoutes;
import dev.patchbay.admin.tenant.TenantService;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import dev.patchbay.schema.SecretBox;
import io.helidon.dbclient.DbClient;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code /v1/workspaces/{ws}/webhooks}: subscriptions to a workspace's call events, which the
 * control-plane queues in the outbox for every call and signs with the subscription's own secret.
 * The secret is write-only: sealed with {@link SecretBox}, never returned, except that a POST
 * without one gets a generated secret shown once in its 201 answer.
 */
public final class WebhookRoutes {

    private final TenantService tenants;
    private final DbClient db;
    private final SecretBox box;
    private final Secrets secrets;
    private final Ids ids;
    private final Clock clock;
    private final Audit audit;

    public WebhookRoutes(TenantService tenants, DbClient db, SecretBox box, Secrets secrets, Ids ids, Clock clock,
                         Audit audit) {
        this.tenants = tenants;
        this.db = db;
        this.box = box;
        this.secrets = secrets;
        this.ids = ids;
        this.clock = clock;
        this.audit = audit;
    }

    public List<ApiRoute> routes() {
        String path = TenantRoutes.WS + "/webhooks";
        return List.of(
                ApiRoute.post(path, Access.WORKSPACE, this::create),
                ApiRoute.get(path, Access.WORKSPACE, (req, res) -> {
                    String ws = workspace(req);
                    PageRequest page = PageRequest.from(req);
                    ApiJson.send(res, Status.OK_200, TenantJson.items(page.page(WebhookStore.page(db.execute(), ws, page),
                            WebhookSubscription::createdAt, WebhookSubscription::id), WebhookRoutes::json));
                }),
                ApiRoute.get(path + "/{webhook}", Access.WORKSPACE, (req, res) -> {
                    String ws = workspace(req);
                    ETags.send(res, json(WebhookStore.find(db.execute(), ws, id(req), false)
                            .orElseThrow(() -> notFound(ws, id(req)))));
                }),
                ApiRoute.patch(path + "/{webhook}", Access.WORKSPACE, this::update),
                ApiRoute.delete(path + "/{webhook}", Access.WORKSPACE, this::delete));
    }

    private void create(ServerRequest req, ServerResponse res) {
        String ws = workspace(req);
        WebhookFields f = WebhookFields.parse(ApiJson.read(req, WebhookFields.FIELDS), true);
        String secret = f.secret() != null ? f.secret() : "whsec_" + secrets.next();
        Instant now = now();
        WebhookSubscription w = new WebhookSubscription(ids.next("wh_"), ws, f.url().orElseThrow(), f.events().orElseThrow(), box.seal(secret),
                f.enabled().orElse(true), now, now);
        ObjectNode body = json(w);
        Db.inTransaction(db, tx -> {
            WebhookStore.insert(tx, w);
            AuditLog.record(tx, audit.entry(Principal.of(req), ws, "webhook", w.id(), Audit.CREATE, null, body));
            return null;
        });
        res.header(HeaderNames.LOCATION, TenantRoutes.PATH + "/" + ws + "/webhooks/" + w.id());
        res.header(HeaderNames.ETAG, ETags.of(body));
        ObjectNode shown = body.deepCopy();
        if (f.secret() == null) {
            shown.put("secret", secret);  // generated: this answer is the only place it is ever shown
        }
        ApiJson.send(res, Status.CREATED_201, shown);
    }

    private void update(ServerRequest req, ServerResponse res) {
        String ws = workspace(req);
        String id = id(req);
        WebhookFields f = WebhookFields.parse(ApiJson.read(req, WebhookFields.FIELDS), false);
        String sealed = f.secret() == null ? null : box.seal(f.secret());
        Optional<String> ifMatch = ETags.ifMatch(req);
        ObjectNode body = Db.inTransaction(db, tx -> {
            WebhookSubscription old = WebhookStore.find(tx, ws, id, true).orElseThrow(() -> notFound(ws, id));
            ObjectNode before = json(old);
            ETags.require(ifMatch, before);
            WebhookSubscription w = new WebhookSubscription(id, ws, f.url().orElse(old.url()), f.events().orElse(old.events()),
                    sealed != null ? sealed : old.secretEnc(), f.enabled().orElse(old.enabled()), old.createdAt(), now());
            if (sealed == null && w.url().equals(old.url()) && w.events().equals(old.events()) && w.enabled() == old.enabled()) {
                return before;  // nothing changed, so nothing to record
            }
            WebhookStore.update(tx, w);
            ObjectNode after = json(w);
            // The diff leaves secrets out; a new one is still worth a line in the log.
            AuditLog.record(tx, audit.entry(Principal.of(req), ws, "webhook", id, Audit.UPDATE, before,
                    sealed == null ? after : after.deepCopy().put("credential_replaced_at", w.updatedAt().toString())));
            return after;
        });
        ETags.send(res, body);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String ws = workspace(req);
        String id = id(req);
        Db.inTransaction(db, tx -> {
            WebhookSubscription old = WebhookStore.find(tx, ws, id, true).orElseThrow(() -> notFound(ws, id));
            WebhookStore.delete(tx, ws, id);
            AuditLog.record(tx, audit.entry(Principal.of(req), ws, "webhook", id, Audit.DELETE, json(old), null));
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    static ObjectNode json(WebhookSubscription w) {
        ObjectNode o = ApiJson.object().put("id", w.id()).put("workspace_id", w.workspaceId()).put("url", w.url());
        w.events().forEach(o.putArray("events")::add);
        return o.put("enabled", w.enabled()).put("has_secret", true).put("created_at", w.createdAt().toString())
                .put("updated_at", w.updatedAt().toString());
    }

    /** The workspace from the path; 404 before the body is even read when it does not exist. */
    private String workspace(ServerRequest req) {
        return tenants.workspace(req.path().pathParameters().get(Access.WS)).id();
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("webhook");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static ProblemException notFound(String ws, String id) {
        return ProblemException.notFound("webhook " + id + " does not exist in workspace " + ws, "webhook_id");
    }
}
