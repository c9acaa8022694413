package dev.patchbay.admin.tenant;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.http.ETags;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.admin.ids.Ids;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.SecretBox;

/**
 * A workspace's SIP trunks. The digest password is sealed with the shared {@link SecretBox} before
 * it is stored and is never returned: the control-plane opens it only to answer a challenge (outbound)
 * or to check a caller's answer to its own (inbound).
 */
public final class TrunkService {

    private final TenantService tenants;
    private final TenantRepository repo;
    private final Clock clock;
    private final Ids ids;
    private final SecretBox box;
    private final Audit audit;

    public TrunkService(TenantService tenants, TenantRepository repo, Clock clock, Ids ids, SecretBox box, Audit audit) {
        this.tenants = tenants;
        this.repo = repo;
        this.clock = clock;
        this.ids = ids;
        this.box = box;
        this.audit = audit;
    }

    /** Takes the workspace already looked up, so the caller can check it before parsing the body. */
    public Trunk createTrunk(Workspace workspace, NewTrunk req, Principal by) {
        String sealed = req.password() == null ? null : box.seal(req.password());
        Trunk trunk = new Trunk(ids.next("trunk_"), workspace.id(), req.name(), req.side(), req.username(), sealed,
                AccessService.now(clock), req.dtmfMode(), req.codecs());
        return repo.inTransaction(tx -> {
            tx.insertTrunk(trunk);
            tx.insertAudit(audit.entry(by, trunk.workspaceId(), "trunk", trunk.id(), Audit.CREATE, null, TenantJson.trunk(trunk)));
            return trunk;
        });
    }

    public PageRequest.Page<Trunk> trunks(String workspaceId, PageRequest page) {
        tenants.workspace(workspaceId);
        return page.page(repo.trunks(workspaceId, page), Trunk::createdAt, Trunk::id);
    }

    public Trunk trunk(String workspaceId, String trunkId) {
        tenants.workspace(workspaceId);
        return repo.trunk(workspaceId, trunkId).orElseThrow(() -> trunkNotFound(workspaceId, trunkId));
    }

    /**
     * Changes who may call through an inbound trunk; fields left out of {@code patch} keep their value.
     * The control-plane reads trunks per INVITE, so the next call already sees the change.
     */
    public Trunk updateInbound(String workspaceId, String trunkId, JsonBody patch, Optional<String> ifMatch, Principal by) {
        tenants.workspace(workspaceId);
        Optional<List<String>> cidrs = patch.stringList("allowed_cidrs");
        Optional<List<String>> transports = patch.stringList("transports");
        Optional<Boolean> tlsRequired = patch.bool("tls_required");
        patch.requireShape();
        return repo.inTransaction(tx -> {
            Trunk trunk = tx.trunkForUpdate(workspaceId, trunkId).orElseThrow(() -> trunkNotFound(workspaceId, trunkId));
            ETags.require(ifMatch, TenantJson.trunk(trunk));
            if (!(trunk.side() instanceof TrunkSide.Inbound now)) {
                throw ProblemException.invalid("trunk " + trunkId + " is outbound", List.of(new FieldError("direction",
                        "only an inbound trunk's allowed_cidrs, transports and tls_required can be changed; delete and"
                                + " re-create an outbound trunk")));
            }
            List<FieldError> errors = new ArrayList<>();
            TrunkSide.Inbound rules = InboundTrunkFields.parse(Optional.of(cidrs.orElse(now.allowedCidrs())),
                    Optional.of(transports.orElse(now.transports().stream().map(Transport::wire).toList())),
                    Optional.of(tlsRequired.orElse(now.tlsRequired())), errors);
            if (rules != null) {
                InboundTrunkFields.requireAWayIn(rules, trunk.username() != null, trunk.hasPassword(), errors);
            }
            if (!errors.isEmpty()) {
                throw ProblemException.invalid("the trunk change is not valid", errors);
            }
            Trunk after = new Trunk(trunk.id(), trunk.workspaceId(), trunk.name(), rules, trunk.username(),
                    trunk.passwordEnc(), trunk.createdAt(), trunk.dtmfMode(), trunk.codecs());
            if (rules.equals(now)) {
                return trunk;  // nothing changed, so nothing to record
            }
            tx.updateInboundTrunk(workspaceId, trunkId, rules);
            tx.insertAudit(audit.entry(by, workspaceId, "trunk", trunkId, Audit.UPDATE, TenantJson.trunk(trunk),
                    TenantJson.trunk(after)));
            return after;
        });
    }

    public void deleteTrunk(String workspaceId, String trunkId, Principal by) {
        Trunk before = trunk(workspaceId, trunkId);
        repo.inTransaction(tx -> {
            if (!tx.deleteTrunk(workspaceId, trunkId)) {
                throw trunkNotFound(workspaceId, trunkId);
            }
            tx.insertAudit(audit.entry(by, workspaceId, "trunk", trunkId, Audit.DELETE, TenantJson.trunk(before), null));
            return null;
        });
    }

    private static ProblemException trunkNotFound(String workspaceId, String trunkId) {
        return ProblemException.notFound("trunk " + trunkId + " does not exist in workspace " + workspaceId, "trunk_id");
    }
}
