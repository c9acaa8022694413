package dev.patchbay.control.integration.asapp;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.model.Route;
import dev.patchbay.control.routing.Router;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/**
 * Routing step 1: an INVITE with {@code X-ASAPP-CallTransferId} goes to the bot of the transfer's
 * workspace, or is refused with 404 if the transfer is unknown, expired or already used. The bot is
 * the one the Request-URI user reaches as a DID of that workspace; failing that, the bot named by
 * {@code patchbay.asapp.bot}, if it is in that workspace. The transfer is claimed (ONGOING) in the
 * transaction that records the call, so a second INVITE with the same id is refused.
 *
 * <p>A WSS bot finds the context in the Twilio {@code start} customParameters: {@code asapp.callTransferId},
 * {@code asapp.externalConversationId}, {@code asapp.taskName}, {@code asapp.inputVariables} (JSON text)
 * and, when an earlier leg of the conversation returned, {@code asapp.previousContext} (its outputContext).
 */
public final class AsappRouting implements Router.HeaderStep {

    public static final String HEADER = "X-ASAPP-CallTransferId";

    private final DbClient db;
    private final TransferStore transfers;
    private final AsappIntegration settings;

    public AsappRouting(DbClient db, TransferStore transfers, AsappConfig config) {
        this.db = db;
        this.transfers = transfers;
        this.settings = new AsappIntegration(db, config);
    }

    @Override
    public Optional<Route> route(CallOffered offer) {
        String id = Router.header(offer, HEADER);
        return id == null ? Optional.empty() : Optional.of(route(offer, id.strip()));
    }

    private Route route(CallOffered offer, String id) {
        CallTransfer t = pick(transfers.withId(id), offer.getRequestUser());
        if (t == null) {
            return new Route.Reject(404, "no ASAPP call transfer '" + shorten(id) + "'; create it with POST"
                    + " /generativeagent/v1/call-transfers before sending the call");
        }
        switch (t.statusAt(transfers.now())) {
            case EXPIRED -> {
                return new Route.Reject(404, "ASAPP call transfer " + id + " expired at " + t.expiresAt()
                        + "; create a new one", t.workspaceId());
            }
            case ONGOING, COMPLETED -> {
                return new Route.Reject(404, "ASAPP call transfer " + id + " was already used by call " + t.callId()
                        + "; create one transfer per call", t.workspaceId());
            }
            case ACTIVE -> { }
        }
        Optional<DbRow> row = botByDid(offer.getRequestUser(), t.workspaceId());
        String via = "asapp-transfer (DID)";
        String fallback = settings.forWorkspace(t.workspaceId()).bot();
        if (row.isEmpty() && !fallback.isEmpty()) {
            row = db.execute().namedGet("asapp-select-bot", fallback, t.workspaceId());
            via = "asapp-transfer (ASAPP settings' bot)";
        }
        if (row.isEmpty()) {
            return new Route.Reject(404, "no bot takes ASAPP transfers in workspace " + t.workspaceId() + ": dial one of"
                    + " its DIDs, or name a bot in its ASAPP integration (admin API) or patchbay.asapp.bot", t.workspaceId());
        }
        Map<String, Object> c = Db.columns(row.get());
        if (!Boolean.TRUE.equals(c.get("enabled"))) {
            return new Route.Reject(403, "workspace " + t.workspaceId() + " is disabled", t.workspaceId());
        }
        Route.ToBot bot = new Route.ToBot(t.workspaceId(), (String) c.get("bot_id"),
                Route.BotKind.fromWire((String) c.get("kind")), (String) c.get("url"), (String) c.get("dialect"),
                (String) c.get("number"), offer.getRequestUser(), via, Route.Settings.of(c));
        return new Route.Claimed(bot, TransferJson.write(parameters(t)), transfers.claim(t.workspaceId(), id));
    }

    /**
     * The transfer an INVITE means. Ids are unique per workspace only, so when several workspaces hold
     * this id, the ACTIVE one wins if it is alone, else the one whose workspace has the Request-URI DID;
     * null when that still leaves a choice, so nothing of another workspace is told to the SIP peer.
     */
    private CallTransfer pick(List<CallTransfer> found, String user) {
        if (found.size() <= 1) {
            return found.isEmpty() ? null : found.getFirst();
        }
        List<CallTransfer> active = found.stream().filter(t -> t.statusAt(transfers.now()) == CallTransfer.Status.ACTIVE).toList();
        if (active.size() == 1) {
            return active.getFirst();
        }
        List<CallTransfer> byDid = (active.isEmpty() ? found : active).stream()
                .filter(t -> botByDid(user, t.workspaceId()).isPresent()).toList();
        return byDid.size() == 1 ? byDid.getFirst() : null;
    }

    private Optional<DbRow> botByDid(String user, String workspace) {
        Set<String> candidates = new LinkedHashSet<>();
        String u = user == null ? "" : user.strip();
        if (!u.isEmpty()) {
            candidates.add(u);
            if (u.startsWith("00") && u.length() > 3) {
                candidates.add("+" + u.substring(2));
            }
        }
        for (String number : candidates) {
            Optional<DbRow> row = db.execute().namedGet("select-route-in-workspace", number, workspace);
            if (row.isPresent()) {
                return row;
            }
        }
        return Optional.empty();
    }

    private ObjectNode parameters(CallTransfer t) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("asapp.callTransferId", t.id());
        p.put("asapp.externalConversationId", t.externalConversationId());
        if (t.inputContextJson() != null) {
            var input = TransferJson.read(t.inputContextJson());
            if (input.hasNonNull("taskName")) {
                p.put("asapp.taskName", input.get("taskName").asText());
            }
            if (input.hasNonNull("inputVariables")) {
                p.put("asapp.inputVariables", TransferJson.write(input.get("inputVariables")));
            }
        }
        transfers.previousContext(t.workspaceId(), t.externalConversationId(), t.id())
                .ifPresent(previous -> p.put("asapp.previousContext", previous));
        var out = ApiJson.object();
        p.forEach(out::put);
        return out;
    }

    /** An unknown id is the caller's text: keep the Reason header short. */
    private static String shorten(String id) {
        return id.length() > 64 ? id.substring(0, 64) + "…" : id;
    }
}
