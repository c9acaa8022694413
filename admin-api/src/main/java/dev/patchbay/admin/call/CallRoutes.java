package dev.patchbay.admin.call;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.fleet.MediaNodeClient;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.admin.tenant.DidNumbers;
import dev.patchbay.admin.tenant.TenantJson;
import dev.patchbay.proto.media.v1.TransferResponse;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The console's view of calls: {@code GET /v1/calls} (the call log, cursor-paged),
 * {@code GET /v1/live-calls} (calls not yet ended), one call with its events, its INVITE's SIP headers and its
 * quality, hanging one up, transferring it,
 * sending it DTMF, and its recording. Each action is a timeline event and an audit row naming who asked. A workspace
 * admin key sees its own workspace's calls only; asking for another's answers the same 404 as a
 * workspace that does not exist.
 */
public final class CallRoutes {

    private static final ObjectMapper STORED = new ObjectMapper();

    private final CallLog log;
    private final Consumer<String> requireWorkspace;
    private final MediaNodeClient nodes;
    private final Audit audit;

    /**
     * @param requireWorkspace throws the workspace's 404 when it does not exist
     * @param nodes            reaches the media node holding a call, to act on it
     */
    public CallRoutes(CallLog log, Consumer<String> requireWorkspace, MediaNodeClient nodes, Audit audit) {
        this.log = log;
        this.requireWorkspace = requireWorkspace;
        this.nodes = nodes;
        this.audit = audit;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get("/v1/calls", Access.ANY, this::search),
                ApiRoute.get("/v1/live-calls", Access.ANY, this::live),
                ApiRoute.get("/v1/workspaces/{ws}/calls/{call}", Access.WORKSPACE, this::call),
                ApiRoute.post("/v1/workspaces/{ws}/calls/{call}/hangup", Access.WORKSPACE, this::hangup),
                ApiRoute.post("/v1/workspaces/{ws}/calls/{call}/transfer", Access.WORKSPACE, this::transfer),
                ApiRoute.post("/v1/workspaces/{ws}/calls/{call}/dtmf", Access.WORKSPACE, this::dtmf),
                ApiRoute.get("/v1/workspaces/{ws}/calls/{call}/recording", Access.WORKSPACE, this::recording));
    }

    private void search(ServerRequest req, ServerResponse res) {
        CallFilter filter = scoped(req, CallFilter.from(req));
        ApiJson.send(res, Status.OK_200, TenantJson.items(log.search(filter, PageRequest.from(req)), CallRoutes::json));
    }

    private void live(ServerRequest req, ServerResponse res) {
        String ws = scoped(req, CallFilter.from(req)).workspaceId();
        ObjectNode body = ApiJson.object();
        ArrayNode items = body.putArray("items");
        log.live(ws).forEach(c -> items.add(json(c)));
        ApiJson.send(res, Status.OK_200, body);
    }

    private void call(ServerRequest req, ServerResponse res) {
        CallSummary c = summary(req);
        ObjectNode body = json(c);
        Map<String, Object> more = log.sipAndQuality(c.workspaceId(), c.id());
        body.putObject("sip").put("request_user", (String) more.get("to_raw")).put("call_id", (String) more.get("sip_call_id"));
        sipHeaders(body, (String) more.get("sip_headers"));
        if (more.get("mos") == null && more.get("jitter_ms") == null && more.get("packet_loss") == null) {
            body.putNull("quality");
        } else {
            ObjectNode q = body.putObject("quality");
            q.set("mos", number(more.get("mos")));
            q.set("jitter_ms", number(more.get("jitter_ms")));
            q.set("packet_loss", number(more.get("packet_loss")));
            q.set("packets_expected", count(more.get("rtp_packets_expected")));
            q.set("packets_lost", count(more.get("rtp_packets_lost")));
        }
        ArrayNode events = body.putArray("events");
        for (CallEvent e : log.events(c.id())) {
            events.addObject().put("id", e.id()).put("at", e.at().toString()).put("type", e.type())
                    .put("detail", e.detail());
        }
        ApiJson.send(res, Status.OK_200, body);
    }

    /**
     * Asks the node holding the call to end it; the control-plane writes the call's end when the node
     * reports it, as for any hang-up. The event names who asked, so the timeline shows it.
     */
    private void hangup(ServerRequest req, ServerResponse res) {
        CallSummary c = live(req);
        Principal by = Principal.of(req);
        nodes.hangup(c.mediaNode(), c.id(), "hung up by " + by.actor() + " in the admin API");
        acted(c, by, "hangup-requested", "by " + by.actor() + " via the admin API", "hangup", ApiJson.object());
        ApiJson.send(res, Status.ACCEPTED_202, ApiJson.object().put("call_id", c.id())
                .put("workspace_id", c.workspaceId()).put("status", "hangup-requested"));
    }

    /**
     * A blind transfer (REFER) to a number or URI. The node answers at the final NOTIFY: within
     * {@link CallActionFields#TRANSFER_WAIT} that is 200 with the status; later it is 202, and the result
     * lands on the call's timeline as {@code transfer-result}.
     */
    private void transfer(ServerRequest req, ServerResponse res) {
        String target = CallActionFields.target(ApiJson.read(req, List.of("to")));
        CallSummary c = live(req);
        Principal by = Principal.of(req);
        Optional<TransferResponse> r = nodes.transfer(c.mediaNode(), c.id(), target, CallActionFields.TRANSFER_WAIT,
                outcome -> log.event(c.id(), "transfer-result", outcome));
        acted(c, by, "transfer-requested", target + " by " + by.actor() + " via the admin API", "transfer",
                ApiJson.object().put("to", target));
        ObjectNode body = ApiJson.object().put("call_id", c.id()).put("workspace_id", c.workspaceId()).put("to", target);
        if (r.isPresent()) {
            log.event(c.id(), "transfer-result", "final status " + r.get().getFinalStatus());
            ApiJson.send(res, Status.OK_200, body.put("status", "transfer-answered")
                    .put("final_status", r.get().getFinalStatus()).put("refer_refused", r.get().getReferRefused()));
        } else {
            ApiJson.send(res, Status.ACCEPTED_202, body.put("status", "transfer-requested"));
        }
    }

    /** Digits to the far end; the timeline and the audit log say how many and who sent them, never which. */
    private void dtmf(ServerRequest req, ServerResponse res) {
        CallActionFields.Dtmf d = CallActionFields.dtmf(ApiJson.read(req, List.of("digits", "duration_ms")));
        CallSummary c = live(req);
        Principal by = Principal.of(req);
        nodes.sendDtmf(c.mediaNode(), c.id(), d.digits(), d.durationMs());
        int keys = d.keys();
        acted(c, by, "dtmf-sent", keys + " digit(s) by " + by.actor() + " via the admin API", "dtmf",
                ApiJson.object().put("digit_count", keys));
        ApiJson.send(res, Status.ACCEPTED_202, ApiJson.object().put("call_id", c.id())
                .put("workspace_id", c.workspaceId()).put("status", "dtmf-sent").put("digit_count", keys));
    }

    /** The call named by the path, which must not have ended: only a live call can be acted on. */
    private CallSummary live(ServerRequest req) {
        CallSummary c = summary(req);
        if (c.endedAt() != null) {
            throw ProblemException.conflict("call " + c.id() + " has already ended (" + c.status() + ")", "call_id");
        }
        return c;
    }

    private void acted(CallSummary c, Principal by, String event, String detail, String action, ObjectNode what) {
        log.acted(c.id(), event, detail, audit.entry(by, c.workspaceId(), "call", c.id(), action, null, what));
    }

    /**
     * The call's WAV, streamed from the node that holds it, for the same key as the call: the console
     * plays it from a blob, since an audio element cannot send the key.
     */
    private void recording(ServerRequest req, ServerResponse res) {
        CallSummary c = summary(req);
        if (c.recordingUrl() == null) {
            throw ProblemException.notFound("call " + c.id() + " was not recorded (or its recording was deleted)",
                    "call_id");
        }
        nodes.readRecording(c.mediaNode(), c.id(), size -> {
            res.header(HeaderNames.CONTENT_TYPE, "audio/wav");
            res.header(HeaderNames.CACHE_CONTROL, "private, no-store");
            res.header(HeaderNames.CONTENT_LENGTH, Long.toString(size));
            return res.outputStream();
        });
    }

    private CallSummary summary(ServerRequest req) {
        String ws = req.path().pathParameters().get(Access.WS);
        requireWorkspace.accept(ws);
        String id = req.path().pathParameters().get("call");
        return log.call(ws, id).orElseThrow(() -> ProblemException.notFound("call " + id
                + " does not exist in workspace " + ws, "call_id"));
    }

    /** A workspace key is held to its own workspace; naming another answers that workspace's 404. */
    private CallFilter scoped(ServerRequest req, CallFilter filter) {
        return filter.inWorkspace(Access.scope(req, filter.workspaceId(), requireWorkspace));
    }

    /**
     * The INVITE's headers as the control-plane stored them (its InviteHeaders document), in order; null for a call
     * that came from no INVITE (outbound) or was stored before V29. {@code sip_headers_omitted} counts the headers
     * past the stored bounds; the credentials were never stored.
     */
    private static void sipHeaders(ObjectNode body, String stored) {
        if (stored == null) {
            body.putNull("sip_headers");
            body.put("sip_headers_omitted", 0);
            return;
        }
        JsonNode doc;
        try {
            doc = STORED.readTree(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("calls.sip_headers is not the control-plane's JSON: " + e.getMessage(), e);
        }
        body.set("sip_headers", doc.path("headers").isArray() ? doc.path("headers") : body.arrayNode());
        body.put("sip_headers_omitted", doc.path("omitted").asInt());
    }

    private static JsonNode count(Object v) {
        return v == null ? NullNode.getInstance() : LongNode.valueOf(((Number) v).longValue());
    }

    private static JsonNode number(Object v) {
        return v == null ? NullNode.getInstance() : DoubleNode.valueOf(((Number) v).doubleValue());
    }

    /** A call as every call route (and the live stream) shows it. */
    public static ObjectNode json(CallSummary c) {
        return ApiJson.object()
                .put("id", c.id())
                .put("workspace_id", c.workspaceId())
                .put("bot_id", c.botId())
                .put("direction", c.direction())
                .put("status", c.status())
                .put("from", c.fromNumber())
                .put("from_country", DidNumbers.country(c.fromNumber()).orElse(null))
                .put("to", c.toNumber())
                .put("to_country", DidNumbers.country(c.toNumber()).orElse(null))
                .put("media_node", c.mediaNode())
                .put("hangup_cause", c.hangupCause())
                .put("sip_status", c.sipStatus())
                .put("reason", c.reason())
                .put("recording_url", c.recordingUrl())
                .put("created_at", c.createdAt().toString())
                .put("answered_at", c.answeredAt() == null ? null : c.answeredAt().toString())
                .put("ended_at", c.endedAt() == null ? null : c.endedAt().toString());
    }
}
