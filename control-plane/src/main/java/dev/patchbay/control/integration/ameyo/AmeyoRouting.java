package dev.patchbay.control.integration.ameyo;

import java.util.Optional;

import dev.patchbay.control.model.AmeyoTag;
import dev.patchbay.control.model.Route;
import dev.patchbay.control.net.Cidrs;
import dev.patchbay.control.routing.Router;
import dev.patchbay.proto.media.v1.CallOffered;
import io.helidon.dbclient.DbClient;

/**
 * Ameyo's routing step: Ameyo puts {@code "00919990152080|d444-…"} in the From display and names the
 * workspace in {@code X-Workspace-ID}. The header marks the INVITE as Ameyo's, so from here on it is
 * refused rather than routed another way.
 *
 * <p>The checks such an INVITE passes before its DID is looked up (seed 000): the workspace must have an
 * Ameyo integration, the INVITE must come from its IP allow-list (Ameyo uses no digest), and the From
 * display must be {@code "<DID>|<CRT>"}. The order matters: a source outside the allow-list learns nothing
 * about the display rules or the workspace's numbers.
 */
public final class AmeyoRouting implements Router.HeaderStep {

    /** The {@link Route.ToBot#via()} of calls routed by this step. */
    public static final String FROM_DISPLAY = "from-display";
    private static final String WORKSPACE_HEADER = "X-Workspace-ID";

    /** What the checks decided: refuse, or route the parsed DID within the workspace. */
    public sealed interface Verdict {
        record Refuse(Route.Reject reject) implements Verdict { }

        record Accept(AmeyoTag tag) implements Verdict { }
    }

    private final DbClient db;
    private final AmeyoIntegration integrations;

    public AmeyoRouting(DbClient db, AmeyoIntegration integrations) {
        this.db = db;
        this.integrations = integrations;
    }

    @Override
    public Optional<Route> route(CallOffered offer) {
        String workspace = Router.header(offer, WORKSPACE_HEADER);
        if (workspace == null) {
            return Optional.empty();
        }
        String ws = workspace.strip();
        return Optional.of(switch (check(offer, ws)) {
            case Verdict.Refuse r -> r.reject();
            case Verdict.Accept a -> Router.didInWorkspace(db, a.tag().didRaw(), ws, FROM_DISPLAY)
                    .orElseGet(() -> notInWorkspace(a.tag(), ws));
        });
    }

    public Verdict check(CallOffered offer, String workspaceId) {
        Optional<AmeyoIntegration.Settings> config = integrations.settings(workspaceId);
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
    public Route.Reject notInWorkspace(AmeyoTag tag, String workspaceId) {
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
