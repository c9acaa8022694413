package dev.patchbay.admin.registration;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.audit.AuditLog;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.http.ETags;
import dev.patchbay.admin.tenant.TenantRoutes;
import dev.patchbay.admin.tenant.Trunk;
import dev.patchbay.admin.tenant.TrunkService;
import dev.patchbay.admin.tenant.TrunkSide;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import dev.patchbay.schema.SecretBox;
import io.helidon.dbclient.DbClient;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code /v1/workspaces/{ws}/trunks/{trunk}/registration}: an outbound trunk's REGISTER client
 * (issue 19 part 4). PUT sets it (the password is write-only: sealed, never returned, kept when a
 * later PUT leaves it out), GET shows the settings with the state the holding media node reports,
 * DELETE stops it (the holder sends REGISTER with Expires: 0).
 */
public final class RegistrationRoutes {

    private final TrunkService trunks;
    private final DbClient db;
    private final SecretBox box;
    private final Clock clock;
    private final Audit audit;
    private final SecureRandom random = new SecureRandom();

    public RegistrationRoutes(TrunkService trunks, DbClient db, SecretBox box, Clock clock, Audit audit) {
        this.trunks = trunks;
        this.db = db;
        this.box = box;
        this.clock = clock;
        this.audit = audit;
    }

    public List<ApiRoute> routes() {
        String path = TenantRoutes.WS + "/trunks/{trunk}/registration";
        return List.of(
                ApiRoute.put(path, Access.WORKSPACE, this::put),
                ApiRoute.get(path, Access.WORKSPACE, (req, res) -> {
                    Trunk trunk = outbound(req);
                    send(res, Status.OK_200, RegistrationStore.find(db.execute(), trunk.workspaceId(), trunk.id(), false)
                            .orElseThrow(() -> notFound(trunk)));
                }),
                ApiRoute.delete(path, Access.WORKSPACE, (req, res) -> {
                    Trunk trunk = outbound(req);
                    Db.inTransaction(db, tx -> {
                        TrunkRegistration old = RegistrationStore.find(tx, trunk.workspaceId(), trunk.id(), true)
                                .orElseThrow(() -> notFound(trunk));
                        RegistrationStore.delete(tx, trunk.workspaceId(), trunk.id());
                        AuditLog.record(tx, audit.entry(Principal.of(req), trunk.workspaceId(), "trunk_registration",
                                trunk.id(), Audit.DELETE, settings(old), null));
                        return null;
                    });
                    res.status(Status.NO_CONTENT_204).send();
                }));
    }

    private void put(ServerRequest req, ServerResponse res) {
        Trunk trunk = outbound(req);
        Optional<String> ifMatch = ETags.ifMatch(req);
        boolean exists = RegistrationStore.find(db.execute(), trunk.workspaceId(), trunk.id(), false).isPresent();
        RegistrationFields f = RegistrationFields.parse(ApiJson.read(req, RegistrationFields.FIELDS), !exists);
        String sealed = f.password() == null ? null : box.seal(f.password());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        boolean[] created = new boolean[1];
        TrunkRegistration saved = Db.inTransaction(db, tx -> {
            Optional<TrunkRegistration> old = RegistrationStore.find(tx, trunk.workspaceId(), trunk.id(), true);
            if (old.isEmpty()) {
                if (sealed == null) {
                    throw ProblemException.invalid("the registration is not valid", List.of(new FieldError("password",
                            "is required: the registrar's digest password (write-only)")));
                }
                TrunkRegistration r = new TrunkRegistration(trunk.id(), trunk.workspaceId(), f.registrar(),
                        f.transport().wire(), f.username(), sealed, f.expires(), contactUser(), 1, now, "unregistered",
                        null, null, null, null, now);
                RegistrationStore.insert(tx, r);
                AuditLog.record(tx, audit.entry(Principal.of(req), trunk.workspaceId(), "trunk_registration", trunk.id(),
                        Audit.CREATE, null, settings(r)));
                created[0] = true;
                return r;
            }
            TrunkRegistration o = old.get();
            ETags.require(ifMatch, version(o));
            TrunkRegistration r = new TrunkRegistration(o.trunkId(), o.workspaceId(), f.registrar(), f.transport().wire(),
                    f.username(), sealed == null ? o.passwordEnc() : sealed, f.expires(), o.contactUser(), o.revision() + 1,
                    o.createdAt(), o.state(), o.expiresAt(), o.lastError(), o.holderNode(), o.leaseUntil(), now);
            RegistrationStore.updateSettings(tx, r);
            ObjectNode after = settings(r);
            AuditLog.record(tx, audit.entry(Principal.of(req), trunk.workspaceId(), "trunk_registration", trunk.id(),
                    Audit.UPDATE, settings(o), sealed == null ? after : after.deepCopy().put("credential_replaced_at",
                            now.toString())));
            return r;
        });
        send(res, created[0] ? Status.CREATED_201 : Status.OK_200, saved);
    }

    /**
     * The ETag names the settings' version, not the state the holder writes: a refresh every few
     * minutes must not make every If-Match stale.
     */
    private static void send(ServerResponse res, Status status, TrunkRegistration r) {
        res.header(HeaderNames.ETAG, ETags.of(version(r)));
        ApiJson.send(res, status, json(r));
    }

    private static ObjectNode version(TrunkRegistration r) {
        return settings(r).put("revision", r.revision());
    }

    /** The trunk of the path, which must be outbound: an inbound trunk has no far end to register with. */
    private Trunk outbound(ServerRequest req) {
        Trunk trunk = trunks.trunk(req.path().pathParameters().get(Access.WS), req.path().pathParameters().get("trunk"));
        if (!(trunk.side() instanceof TrunkSide.Outbound)) {
            throw ProblemException.invalid("trunk " + trunk.id() + " is inbound", List.of(new FieldError("direction",
                    "only an outbound trunk registers: create an outbound trunk for the carrier or PBX")));
        }
        return trunk;
    }

    /** 128 random bits: the Contact's user part, unguessable, so only the registrar can reach the trunk through it. */
    private String contactUser() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return "pbr" + HexFormat.of().formatHex(b);
    }

    /** What the audit log keeps: the settings, without any secret. */
    private static ObjectNode settings(TrunkRegistration r) {
        return ApiJson.object()
                .put("trunk_id", r.trunkId())
                .put("registrar", r.registrar())
                .put("transport", r.transport())
                .put("username", r.username())
                .put("expires", r.expires());
    }

    static ObjectNode json(TrunkRegistration r) {
        return settings(r)
                .put("workspace_id", r.workspaceId())
                .put("has_password", r.passwordEnc() != null)
                .put("state", r.state())
                .put("expires_at", r.expiresAt() == null ? null : r.expiresAt().toString())
                .put("last_error", r.lastError())
                .put("holder_node", r.holderNode())
                .put("created_at", r.createdAt().toString())
                .put("updated_at", r.updatedAt().toString());
    }

    private static ProblemException notFound(Trunk trunk) {
        return ProblemException.notFound("trunk " + trunk.id() + " has no registration; PUT one to register it",
                "registration");
    }
}
