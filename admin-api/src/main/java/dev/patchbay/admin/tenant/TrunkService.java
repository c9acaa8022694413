package dev.patchbay.admin.tenant;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    public TrunkService(TenantService tenants, TenantRepository repo, Clock clock, Ids ids, SecretBox box) {
        this.tenants = tenants;
        this.repo = repo;
        this.clock = clock;
        this.ids = ids;
        this.box = box;
    }

    /** Takes the workspace already looked up, so the caller can check it before parsing the body. */
    public Trunk createTrunk(Workspace workspace, NewTrunk req) {
        String sealed = req.password() == null ? null : box.seal(req.password());
        Trunk trunk = new Trunk(ids.next("trunk_"), workspace.id(), req.name(), req.side(), req.username(), sealed,
                AccessService.now(clock));
        repo.insertTrunk(trunk);
        return trunk;
    }

    public List<Trunk> trunks(String workspaceId) {
        tenants.workspace(workspaceId);
        return repo.trunks(workspaceId);
    }

    public Trunk trunk(String workspaceId, String trunkId) {
        tenants.workspace(workspaceId);
        return repo.trunk(workspaceId, trunkId).orElseThrow(() -> trunkNotFound(workspaceId, trunkId));
    }

    /**
     * Changes who may call through an inbound trunk; fields left out of {@code patch} keep their value.
     * The control-plane reads trunks per INVITE, so the next call already sees the change.
     */
    public Trunk updateInbound(String workspaceId, String trunkId, JsonBody patch) {
        Trunk trunk = trunk(workspaceId, trunkId);
        Optional<List<String>> cidrs = patch.stringList("allowed_cidrs");
        Optional<List<String>> transports = patch.stringList("transports");
        Optional<Boolean> tlsRequired = patch.bool("tls_required");
        patch.requireShape();
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
        if (!repo.updateInboundTrunk(workspaceId, trunkId, rules)) {
            throw trunkNotFound(workspaceId, trunkId);
        }
        return new Trunk(trunk.id(), trunk.workspaceId(), trunk.name(), rules, trunk.username(), trunk.passwordEnc(),
                trunk.createdAt());
    }

    public void deleteTrunk(String workspaceId, String trunkId) {
        tenants.workspace(workspaceId);
        if (!repo.deleteTrunk(workspaceId, trunkId)) {
            throw trunkNotFound(workspaceId, trunkId);
        }
    }

    private static ProblemException trunkNotFound(String workspaceId, String trunkId) {
        return ProblemException.notFound("trunk " + trunkId + " does not exist in workspace " + workspaceId, "trunk_id");
    }
}
