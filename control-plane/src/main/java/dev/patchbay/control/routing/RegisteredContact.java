package dev.patchbay.control.routing;

import java.util.Map;
import java.util.Optional;

import dev.patchbay.control.model.Route;
import dev.patchbay.control.model.TrunkMedia;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/**
 * Calls that arrive through a trunk registration (issue 19 part 4): the registrar sends them to the
 * Contact a media node registered, whose user part is the registration's random {@code contact_user}.
 * Such a call belongs to the trunk's workspace, and only there is its DID looked up: by the To user,
 * else by the registration's username (many carriers put the address of record in To).
 */
final class RegisteredContact {

    /** The {@code via} of routes found here; {@link Router} admits them without the inbound-trunk check. */
    static final String VIA = "registration";

    private RegisteredContact() {
    }

    /** Empty when the Request-URI user is no registration's Contact. */
    static Optional<Route> route(DbClient db, CallOffered offer) {
        String user = offer.getRequestUser().strip();
        if (!user.startsWith("pbr") || user.length() > 64) {
            return Optional.empty(); // every contact_user starts so; saves a query per ordinary call
        }
        Optional<DbRow> found = db.execute().namedGet("select-registration-route", user);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> c = Db.columns(found.get());
        String workspace = (String) c.get("workspace_id");
        String username = (String) c.get("username");
        TrunkMedia media = TrunkMedia.fromColumns(c);
        for (String number : new String[] {offer.getToUser(), username}) {
            Optional<Route> r = Router.didInWorkspace(db, number, workspace, VIA);
            if (r.isPresent()) {
                return Optional.of(r.get() instanceof Route.ToBot b ? b.withTrunkMedia(media) : r.get());
            }
        }
        return Optional.of(new Route.Reject(404, "the registration of trunk " + c.get("trunk_id") + " received a call for '"
                + offer.getToUser() + "', but workspace " + workspace + " has no DID '" + offer.getToUser() + "' or '"
                + username + "'; add one with the admin API", workspace));
    }
}
