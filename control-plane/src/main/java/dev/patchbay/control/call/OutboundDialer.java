package dev.patchbay.control.call;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallRecord.Direction;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.Transport;
import dev.patchbay.schema.SecretBox;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.helidon.dbclient.DbExecute;

/**
 * Places a call for the provider API (seed 001, section 1): records it, then has a media-plane
 * node send the INVITE through the workspace's trunk. The record exists before the INVITE leaves,
 * so there is never a call the database does not know.
 */
public final class OutboundDialer {

    /** What the API asked for, already validated. */
    public record Request(String workspaceId, String to, String from, CallRecord.Stream stream, String callbackUrl,
                          String idempotencyKey, String requestHash, Options options) {
        public Request(String workspaceId, String to, String from, CallRecord.Stream stream, String callbackUrl,
                       String idempotencyKey, String requestHash) {
            this(workspaceId, to, from, stream, callbackUrl, idempotencyKey, requestHash, Options.NONE);
        }
    }

    /**
     * How the INVITE presents itself and how long the call may last: caller-ID privacy (RFC 3323/3325),
     * a display name, a hard limit the media-plane enforces with BYE (0 = none), and recording.
     */
    public record Options(boolean privacy, String displayName, int maxDurationSeconds, boolean record) {
        public static final Options NONE = new Options(false, null, 0, false);
    }

    /** Why a call could not be placed; {@code httpStatus} is what the API answers. */
    public static final class Refused extends RuntimeException {
        private final int httpStatus;
        private final String field;
        private final String callId;

        Refused(int httpStatus, String field, String message, String callId) {
            super(message, null, false, false);
            this.httpStatus = httpStatus;
            this.field = field;
            this.callId = callId;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public String field() {
            return field;
        }

        /** The failed call's id when one was recorded, else null. */
        public String callId() {
            return callId;
        }
    }

    private final CallStore store;
    private final Tenants tenants;
    private final MediaNodes nodes;
    private final SecretBox secrets;
    private final SecureRandom random = new SecureRandom();

    public OutboundDialer(CallStore store, Tenants tenants, MediaNodes nodes, SecretBox secrets) {
        this.store = store;
        this.tenants = tenants;
        this.nodes = nodes;
        this.secrets = secrets;
    }

    public CallRecord place(Request r) {
        return place(r, (tx, call) -> { });
    }

    /**
     * Places the call; {@code alongside} writes rows that belong to it in the transaction that records
     * it, before the INVITE leaves, so nothing about the call can be missing when its first event arrives.
     */
    public CallRecord place(Request r, BiConsumer<DbExecute, CallRecord> alongside) {
        Tenants.Trunk trunk = tenants.outboundTrunk(r.workspaceId()).orElseThrow(() -> new Refused(422, "from",
                "workspace " + r.workspaceId() + " has no outbound trunk; add one with the admin API", null));
        MediaNodeLink link = nodes.pick().orElseThrow(() -> new Refused(503, null,
                "no active media-plane node with free capacity is connected (draining nodes take no new calls); retry shortly", null));
        String id = newCallId(random);
        String token = newAttachToken(random);
        String from = trunk.from(r.from()); // a trunk may pin its caller ID whatever the request says
        CallRecord call = new CallRecord(id, r.workspaceId(), null, Direction.OUTBOUND, CallStatus.QUEUED, from, r.to(),
                null, link.node(), token, r.stream(), r.callbackUrl(), null, null, null, null, store.now(), null, null);
        store.insert(call, r.idempotencyKey(), r.requestHash(), "via trunk " + trunk.id() + " on " + link.node(),
                tx -> alongside.accept(tx, call));
        PlaceCallRequest.Builder invite = PlaceCallRequest.newBuilder().setCallId(id).setAttachToken(token)
                .setToUri(uri(r.to(), trunk.host())).setFromUri(uri(from, trunk.host()))
                .setTrunkHost(trunk.host()).setTrunkPort(trunk.port()).setTransport(switch (trunk.transport()) {
                    case "tcp" -> Transport.TCP;
                    case "tls" -> Transport.TLS;
                    default -> Transport.UDP;
                });
        Options o = r.options();
        invite.setPrivacy(o.privacy()).setMaxDurationSeconds(o.maxDurationSeconds()).setRecord(o.record())
                .setDtmfMethod(trunk.dtmfMode().method())
                .addAllCodecs(trunk.media().codecs());
        if (o.displayName() != null) {
            invite.setFromDisplay(o.displayName());
        }
        if (trunk.username() != null) {
            invite.setAuthUsername(trunk.username());
            invite.setAuthPassword(trunk.passwordEnc() == null ? "" : secrets.open(trunk.passwordEnc()));
        }
        try {
            MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(5, TimeUnit.SECONDS).placeCall(invite.build());
        } catch (StatusRuntimeException e) {
            String why = "the media-plane refused the call: " + e.getStatus().getCode() + " " + e.getStatus().getDescription();
            store.end(id, CallStatus.FAILED, "error", 0, why, null);
            int http = e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT ? 422 : 503;
            throw new Refused(http, http == 422 ? "to" : null, why, id);
        }
        return store.find(id).orElseThrow();
    }

    /** A call id as the media-plane takes one: "CA" and 32 lower-case hex digits. */
    static String newCallId(SecureRandom random) {
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        return "CA" + HexFormat.of().formatHex(raw);
    }

    /** A bot's attach token: 256 random bits, base64url. */
    static String newAttachToken(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** A phone number dials through the trunk's host; a SIP URI is used as given. */
    static String uri(String target, String host) {
        return target.startsWith("sip:") || target.startsWith("sips:") ? target : "sip:" + target + "@" + host;
    }
}
