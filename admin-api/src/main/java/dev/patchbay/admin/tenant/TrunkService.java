package dev.patchbay.admin.tenant;

import java.time.Clock;

import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.store.PageRequest;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.SecretBox;

/**
 * A workspace's SIP trunks. The digest password is sealed with the shared {@link SecretBox} before
 * it is stored and is never returned: the control-plane opens it only to answer a challenge.
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
        Trunk trunk = new Trunk(ids.next("trunk_"), workspace.id(), req.name(), req.host(), req.port(), req.transport(),
                req.username(), sealed, AccessService.now(clock));
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
