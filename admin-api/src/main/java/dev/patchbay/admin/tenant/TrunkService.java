package dev.patchbay.admin.tenant;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

    private static final List<String> INBOUND_PATCH = List.of("allowed_cidrs", "transports", "tls_required");

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

    /** An inbound trunk's admission rules, or an outbound trunk's settings; the direction never changes. */
    public Trunk update(String workspaceId, String trunkId, JsonBody patch, Optional<String> ifMatch, Principal by) {
        return trunk(workspaceId, trunkId).side() instanceof TrunkSide.Outbound
                ? updateOutbound(workspaceId, trunkId, patch, ifMatch, by)
                : updateInbound(workspaceId, trunkId, patch, ifMatch, by);
    }

    /**
     * Changes an outbound trunk: the fields given replace the stored ones and the result is judged as a new
     * trunk is. The password is write-only: left out, the stored one stays; given, it replaces it.
     */
    private Trunk updateOutbound(String workspaceId, String trunkId, JsonBody patch, Optional<String> ifMatch, Principal by) {
        List<FieldError> misplaced = new ArrayList<>();
        InboundTrunkFields.onlyFor("inbound", misplaced, Map.of("allowed_cidrs", patch.node().has("allowed_cidrs"),
                "transports", patch.node().has("transports"), "tls_required", patch.node().has("tls_required")));
        if (!misplaced.isEmpty()) {
            throw ProblemException.invalid("the trunk change is not valid", misplaced);
        }
        return repo.inTransaction(tx -> {
            Trunk trunk = tx.trunkForUpdate(workspaceId, trunkId).orElseThrow(() -> trunkNotFound(workspaceId, trunkId));
            ObjectNode before = TenantJson.trunk(trunk);
            ETags.require(ifMatch, before);
            ObjectNode merged = before.deepCopy();
            merged.remove(List.of("id", "workspace_id", "has_password", "created_at"));
            merged.setAll(patch.node());
            boolean keepsPassword = !patch.node().has("password") && trunk.hasPassword();
            if (keepsPassword && !merged.path("username").isTextual()) {
                throw ProblemException.invalid("the trunk change is not valid", List.of(new FieldError("username",
                        "is required while the trunk has a password: digest auth sends both")));
            }
            NewTrunk req = NewTrunk.parse(JsonBody.of(merged, NewTrunk.FIELDS));
            String sealed = req.password() == null ? (keepsPassword ? trunk.passwordEnc() : null) : box.seal(req.password());
            Trunk after = new Trunk(trunk.id(), workspaceId, req.name(), req.side(), req.username(), sealed,
                    trunk.createdAt(), req.dtmfMode(), req.codecs());
            ObjectNode afterJson = TenantJson.trunk(after);
            if (afterJson.equals(before) && req.password() == null) {
                return trunk;  // nothing changed, so nothing to record
            }
            tx.updateOutboundTrunk(after);
            // A new password shows in the audit as has_password only; the diff never holds it.
            tx.insertAudit(audit.entry(by, workspaceId, "trunk", trunkId, Audit.UPDATE, before,
                    req.password() == null ? afterJson : afterJson.put("credentials_changed", true)));
            return after;
        });
    }

    /**
     * Changes who may call through an inbound trunk; fields left out of {@code patch} keep their value.
     * The control-plane reads trunks per INVITE, so the next call already sees the change.
     */
    private Trunk updateInbound(String workspaceId, String trunkId, JsonBody patch, Optional<String> ifMatch, Principal by) {
        tenants.workspace(workspaceId);
        List<FieldError> fixed = new ArrayList<>();
        patch.node().fieldNames().forEachRemaining(f -> {
            if (!INBOUND_PATCH.contains(f)) {
                fixed.add(new FieldError(f, "cannot be changed on an inbound trunk: only allowed_cidrs, transports and"
                        + " tls_required can; delete and re-create the trunk to change the rest"));
            }
        });
        if (!fixed.isEmpty()) {
            throw ProblemException.invalid("the trunk change is not valid", fixed);
        }
        Optional<List<String>> cidrs = patch.stringList("allowed_cidrs");
        Optional<List<String>> transports = patch.stringList("transports");
        Optional<Boolean> tlsRequired = patch.bool("tls_required");
        patch.requireShape();
        return repo.inTransaction(tx -> {
            Trunk trunk = tx.trunkForUpdate(workspaceId, trunkId).orElseThrow(() -> trunkNotFound(workspaceId, trunkId));
            ETags.require(ifMatch, TenantJson.trunk(trunk));
            TrunkSide.Inbound now = (TrunkSide.Inbound) trunk.side();
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
