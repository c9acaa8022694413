package dev.patchbay.control.routing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import dev.patchbay.control.model.Route;
import dev.patchbay.control.model.TrunkMedia;
import dev.patchbay.control.trunk.TrunkGuard;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.SipHeader;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;

/**
 * Resolves an offered call to a workspace and a bot, trying in order:
 * <ol>
 *   <li>the Contact of a trunk registration ({@link RegisteredContact}), within that trunk's workspace;</li>
 *   <li>the header steps, in order: a step whose header the INVITE carries decides alone (ASAPP's
 *       {@code X-ASAPP-CallTransferId}, then Ameyo's {@code X-Workspace-ID} with the From display
 *       {@code DID|CRT}; see {@code dev.patchbay.control.integration});</li>
 *   <li>the Request-URI user part (RingCX, most carriers);</li>
 *   <li>the To user part.</li>
 * </ol>
 * Each number is tried as given and in E.164 form ({@code 00} becomes {@code +}). A route into a workspace
 * then passes its inbound trunks ({@link TrunkGuard}: allowed sources, transports, digest). The database is
 * read on every call, so a DID or trunk changed through the admin API applies to the very next INVITE.
 */
public final class Router {

    private static final Logger LOG = Logger.getLogger(Router.class.getName());

    /** A routing step selected by a SIP header; empty when the INVITE does not carry it. */
    @FunctionalInterface
    public interface HeaderStep {
        Optional<Route> route(CallOffered offer);
    }

    private final DbClient db;
    private final List<HeaderStep> headerSteps;
    private final TrunkGuard guard;
    private final boolean claimsNeedTrunk;

    public Router(DbClient db, List<HeaderStep> headerSteps, TrunkGuard guard) {
        this(db, headerSteps, guard, true);
    }

    /**
     * @param claimsNeedTrunk whether a call that claims integration state (an ASAPP transfer) must come
     *                        through one of the workspace's inbound trunks (seed 004: an unauthenticated
     *                        INVITE is rejected); other calls to a workspace without trunks stay open
     */
    public Router(DbClient db, List<HeaderStep> headerSteps, TrunkGuard guard, boolean claimsNeedTrunk) {
        this.db = db;
        this.headerSteps = List.copyOf(headerSteps);
        this.guard = guard;
        this.claimsNeedTrunk = claimsNeedTrunk;
    }

    public Route route(CallOffered offer) {
        try {
            return admit(offer, resolve(offer));
        } catch (DbClientException e) {
            LOG.warning(() -> "routing database failed: " + e.getMessage());
            return new Route.Reject(503, "routing is temporarily unavailable");
        }
    }

    /** Every route into a workspace, header steps (ASAPP) included, passes its inbound trunks. */
    private Route admit(CallOffered offer, Route route) {
        String workspace = switch (route) {
            case Route.ToBot b -> b.workspaceId();
            case Route.Claimed c -> c.bot().workspaceId();
            case Route.Reject r -> null;
        };
        if (workspace == null) {
            return route;
        }
        if (route instanceof Route.ToBot b && RegisteredContact.VIA.equals(b.via())) {
            // The Contact's user is a 128-bit secret only the registrar learned: the call comes through the
            // outbound trunk's registration, from the carrier's proxies rather than a listed source.
            return route;
        }
        return switch (guard.check(offer, workspace)) {
            case TrunkGuard.Verdict.Admit a -> {
                LOG.fine(() -> "call " + offer.getSipCallId() + " admitted: " + a.how());
                yield withTrunkMedia(route, a.trunkMedia());
            }
            case TrunkGuard.Verdict.Refuse r -> r.reject();
            case TrunkGuard.Verdict.Open o -> route instanceof Route.Claimed && claimsNeedTrunk
                    ? new Route.Reject(403, "ASAPP transfers into workspace " + workspace + " must come through one of its"
                            + " inbound trunks (allowed_cidrs or digest); add one with the admin API", workspace)
                    : route;
        };
    }

    /** The admitting trunk's DTMF mode and codec order travel with the route into the media-plane's decisions. */
    private static Route withTrunkMedia(Route route, TrunkMedia media) {
        return switch (route) {
            case Route.ToBot b -> b.withTrunkMedia(media);
            case Route.Claimed c -> new Route.Claimed(c.bot().withTrunkMedia(media), c.customParametersJson(), c.claim());
            case Route.Reject r -> r;
        };
    }

    private Route resolve(CallOffered offer) {
        Optional<Route> registered = RegisteredContact.route(db, offer);
        if (registered.isPresent()) {
            return registered.get();
        }
        for (HeaderStep step : headerSteps) {
            Optional<Route> decided = step.route(offer);
            if (decided.isPresent()) {
                return decided.get();
            }
        }
        List<String> tried = new ArrayList<>();
        for (String[] step : new String[][] {{"request-uri", offer.getRequestUser()}, {"to", offer.getToUser()}}) {
            Set<String> candidates = new LinkedHashSet<>();
            addCandidates(candidates, step[1]);
            for (String number : candidates) {
                tried.add(number);
                Optional<DbRow> row = db.execute().namedGet("select-route", number);
                if (row.isPresent()) {
                    return toRoute(row.get(), step[1].strip(), step[0]);
                }
            }
        }
        if (tried.isEmpty()) {
            return new Route.Reject(404, "the INVITE names no user to route on");
        }
        return new Route.Reject(404, "no DID matches '" + String.join("' or '", tried) + "'");
    }

    /**
     * The route of the DID {@code raw} (as given or in E.164 form) within one workspace; empty when the
     * workspace has no such DID. For header steps that name the workspace (Ameyo).
     */
    public static Optional<Route> didInWorkspace(DbClient db, String raw, String workspaceId, String via) {
        Set<String> candidates = new LinkedHashSet<>();
        addCandidates(candidates, raw);
        for (String number : candidates) {
            Optional<DbRow> row = db.execute().namedGet("select-route-in-workspace", number, workspaceId);
            if (row.isPresent()) {
                return Optional.of(toRoute(row.get(), raw, via));
            }
        }
        return Optional.empty();
    }

    private static Route toRoute(DbRow row, String raw, String via) {
        Map<String, Object> c = Db.columns(row);
        String workspace = (String) c.get("workspace_id");
        String number = (String) c.get("number");
        if (!Boolean.TRUE.equals(c.get("enabled"))) {
            return new Route.Reject(403, "workspace " + workspace + " is disabled", workspace);
        }
        return new Route.ToBot(workspace, (String) c.get("bot_id"), Route.BotKind.fromWire((String) c.get("kind")),
                (String) c.get("url"), (String) c.get("dialect"), number, raw, via, Route.Settings.of(c));
    }

    /** The first non-blank value of a header, by case-insensitive name; null when absent. */
    public static String header(CallOffered offer, String name) {
        for (SipHeader h : offer.getHeadersList()) {
            if (h.getName().equalsIgnoreCase(name) && !h.getValue().isBlank()) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The user part as given, plus its E.164 form when it is an international number in 00 form. */
    static void addCandidates(Set<String> out, String user) {
        String u = user == null ? "" : user.strip();
        if (u.isEmpty()) {
            return;
        }
        out.add(u);
        if (u.startsWith("00") && u.length() > 3 && u.substring(2).chars().allMatch(Character::isDigit)) {
            out.add("+" + u.substring(2));
        }
    }
}
