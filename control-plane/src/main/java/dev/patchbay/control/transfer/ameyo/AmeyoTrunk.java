package dev.patchbay.control.transfer.ameyo;

import java.util.Optional;

import dev.patchbay.control.routing.Route;
import dev.patchbay.control.store.Integrations;
import dev.patchbay.control.transfer.Cidrs;
import dev.patchbay.proto.media.v1.CallOffered;

/**
 * The checks an INVITE carrying {@code X-Workspace-ID} passes before its DID is looked up (seed 000):
 * the workspace must have an Ameyo integration, the INVITE must come from its IP allow-list (Ameyo
 * uses no digest), and the From display must be {@code "<DID>|<CRT>"}. The order matters: a source
 * outside the allow-list learns nothing about the display rules or the workspace's numbers.
 */
public final class AmeyoTrunk {

    /** What the checks decided: refuse, or route the parsed DID within the workspace. */
    public sealed interface Verdict {
        record Refuse(Route.Reject reject) implements Verdict { }

        record Accept(Integrations.AmeyoTag tag) implements Verdict { }
    }

    private final Integrations integrations;

    public AmeyoTrunk(Integrations integrations) {
        this.integrations = integrations;
    }

    public Verdict check(CallOffered offer, String workspaceId) {
        Optional<Integrations.Ameyo> config = integrations.ameyo(workspaceId);
        if (config.isEmpty()) {
            // The same answer for an unknown workspace and an unconfigured one: the header cannot probe ids.
            return refuse(403, "X-Workspace-ID '" + clip(workspaceId) + "' names no workspace with an Ameyo integration;"
                    + " configure it with PUT /v1/workspaces/{id}/integrations/ameyo", null);
        }
        String source = offer.getSource().getIp();
        if (!Cidrs.contains(config.get().allowedSources(), source)) {
            return refuse(403, "source " + (source.isEmpty() ? "(unknown)" : source) + " is not in the Ameyo allow-list of "
                    + "workspace " + workspaceId, workspaceId);
        }
        return switch (AmeyoDisplay.parse(offer.getFromDisplay())) {
            // 400: the INVITE is well-formed SIP but breaks the trunk's agreed syntax, and RFC 3261 reserves
            // 400 for requests "not understood due to malformed syntax", with the reason naming the problem.
            case AmeyoDisplay.Parsed.Malformed m -> refuse(400, m.reason(), workspaceId);
            case AmeyoDisplay.Parsed.Ok ok -> new Verdict.Accept(ok.tag());
        };
    }

    /** The DID is not in the named workspace: another workspace's number is forbidden here, an unknown one not found. */
    public Route.Reject notInWorkspace(Integrations.AmeyoTag tag, String workspaceId) {
        Optional<String> owner = integrations.didOwner(tag.did()).or(() -> integrations.didOwner(tag.didRaw()));
        if (owner.isPresent()) {
            return new Route.Reject(403, "DID " + tag.did() + " does not belong to workspace " + workspaceId
                    + " named by X-Workspace-ID", workspaceId);
        }
        return new Route.Reject(404, "no DID matches '" + tag.didRaw() + "' or '" + tag.did() + "' in workspace "
                + workspaceId, workspaceId);
    }

    private static Verdict refuse(int status, String reason, String workspaceId) {
        return new Verdict.Refuse(new Route.Reject(status, reason, workspaceId));
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
