package dev.patchbay.control.routing;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import dev.patchbay.proto.media.v1.CallOffered;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;

/**
 * Resolves an offered call to a bot: the Request-URI user part first, then the To user, each as
 * given and in E.164 form. Reads the database on every call, so a DID changed through the admin API
 * applies to the very next INVITE.
 */
public final class Router {

    private static final Logger LOG = Logger.getLogger(Router.class.getName());

    private final DbClient db;

    public Router(DbClient db) {
        this.db = db;
    }

    public Route route(CallOffered offer) {
        Set<String> candidates = new LinkedHashSet<>();
        addCandidates(candidates, offer.getRequestUser());
        addCandidates(candidates, offer.getToUser());
        if (candidates.isEmpty()) {
            return new Route.Reject(404, "the INVITE names no user to route on");
        }
        try {
            for (String number : candidates) {
                Optional<DbRow> row = db.execute().namedGet("select-route", number);
                if (row.isPresent()) {
                    return toRoute(number, row.get());
                }
            }
        } catch (DbClientException e) {
            LOG.warning(() -> "routing database failed: " + e.getMessage());
            return new Route.Reject(503, "routing is temporarily unavailable");
        }
        return new Route.Reject(404, "no DID matches '" + String.join("' or '", candidates) + "'");
    }

    private static Route toRoute(String number, DbRow row) {
        String workspace = row.column("workspace_id").get(String.class);
        if (!Boolean.TRUE.equals(row.column("enabled").get(Boolean.class))) {
            return new Route.Reject(403, "workspace " + workspace + " is disabled");
        }
        String kind = row.column("kind").get(String.class);
        String bot = row.column("bot_id").get(String.class);
        if ("echo".equals(kind)) {
            return new Route.Echo(workspace, bot);
        }
        return new Route.Reject(503, "DID " + number + " points at a '" + kind
                + "' bot, which this control-plane cannot connect yet");
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
