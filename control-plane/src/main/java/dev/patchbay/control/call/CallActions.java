package dev.patchbay.control.call;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.control.store.Tenants;
import dev.patchbay.proto.media.v1.BridgeRequest;
import dev.patchbay.proto.media.v1.BridgeResponse;
import dev.patchbay.proto.media.v1.CallStatsRequest;
import dev.patchbay.proto.media.v1.HangupRequest;
import dev.patchbay.proto.media.v1.HoldRequest;
import dev.patchbay.proto.media.v1.HoldResponse;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.media.v1.PlayRequest;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.proto.media.v1.SendDtmfRequest;
import dev.patchbay.proto.media.v1.TransferRequest;
import dev.patchbay.proto.media.v1.TransferResponse;
import dev.patchbay.proto.rpc.Unary;
import io.grpc.Status;
import dev.patchbay.schema.SecretBox;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * What a bot or the provider API may do to a live call: hang up, blind-transfer (SIP REFER), send
 * digits. Each action is logged on the call; the transfer's outcome arrives later, from the final
 * NOTIFY, and is logged then.
 */
public final class CallActions implements ReferFallback {

    /** An action that cannot be carried out; {@code httpStatus} is what the API answers. */
    public static final class Refused extends RuntimeException {
        private final int httpStatus;
        private final String field;

        Refused(int httpStatus, String field, String message) {
            super(message, null, false, false);
            this.httpStatus = httpStatus;
            this.field = field;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public String field() {
            return field;
        }
    }

    private static final Logger LOG = Logger.getLogger(CallActions.class.getName());
    static final Pattern DIGITS = Pattern.compile("[0-9*#A-Da-d,]{1,64}");
    /** An E.164 number: +, a country code starting 1-9, 15 digits at most. */
    public static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    /** A tel: URI (RFC 3966) of a global number or national digits, parameters allowed, as bots send them. */
    static final Pattern TEL = Pattern.compile("tel:\\+?[0-9]{2,20}(;[^\\s<>\"]*)?");

    /** REFER refusals that mean "this far end takes no transfers", after which the target is bridged instead. */
    static final Set<Integer> REFER_UNSUPPORTED = Set.of(405, 501, 603);

    private final CallStore store;
    private final MediaNodes nodes;
    private final Tenants tenants;
    private final SecretBox secrets;

    /** Without trunk lookup: a refused REFER to a tel: target then fails, saying so (test rigs). */
    public CallActions(CallStore store, MediaNodes nodes) {
        this(store, nodes, null, null);
    }

    /**
     * @param tenants the workspaces' outbound trunks, through which a {@code tel:} target is bridged when the
     *                far end refuses REFER
     * @param secrets opens the trunk's digest password
     */
    public CallActions(CallStore store, MediaNodes nodes, Tenants tenants, SecretBox secrets) {
        this.store = store;
        this.nodes = nodes;
        this.tenants = tenants;
        this.secrets = secrets;
    }

    public void hangup(CallRecord call, String reason) {
        MediaNodeLink link = live(call, false);
        store.event(call.id(), "hangup-requested", reason);
        rpc(() -> MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .hangup(HangupRequest.newBuilder().setCallId(call.id()).setReason(reason).build()));
    }

    /**
     * Sends REFER and returns at once; the result is logged on the call when the final NOTIFY
     * arrives, and a successful transfer ends the call as {@code transferred}. A far end that refuses
     * REFER itself (405, 501, 603) gets the target bridged instead; {@code transfer-method} records
     * which way the call went ({@code refer} or {@code bridge}).
     */
    public String transfer(CallRecord call, String to) {
        String target = referTo(to);
        MediaNodeLink link = live(call, true);
        store.event(call.id(), "transfer-requested", target);
        MediaPlaneGrpc.newStub(link.channel()).withDeadlineAfter(5, TimeUnit.MINUTES).transfer(TransferRequest.newBuilder()
                .setCallId(call.id()).setTargetUri(target).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(TransferResponse r) {
                        store.event(call.id(), "transfer-result", String.valueOf(r.getFinalStatus()));
                        if (r.getFinalStatus() >= 200 && r.getFinalStatus() < 300) {
                            store.event(call.id(), "transfer-method", "refer");
                        } else if (r.getReferRefused()) {
                            referRefused(call, target, r.getFinalStatus());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        store.event(call.id(), "transfer-result", "failed: " + t.getMessage());
                        LOG.info(() -> "call " + call.id() + ": transfer to " + target + " failed: " + t.getMessage());
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return target;
    }

    /**
     * The far end refused REFER itself. If it takes no transfers at all (405, 501, 603), INVITE the target and
     * bridge it: a sip: target as given, a tel: one through the workspace's outbound trunk.
     */
    @Override
    public void referRefused(CallRecord call, String target, int referStatus) {
        if (!REFER_UNSUPPORTED.contains(referStatus)) {
            store.event(call.id(), "transfer-failed", "the far end answered the REFER to " + target + " with " + referStatus);
            return;
        }
        store.event(call.id(), "transfer-refer-refused", referStatus + "; bridging to " + target + " instead");
        CompletableFuture<BridgeResponse> bridged;
        try {
            Dial dial = dial(call, target, "the far end refused REFER and " + target + " is a number, which is bridged");
            bridged = bridge(call, dial.uri(), dial.username(), dial.password());
        } catch (Refused e) {
            store.event(call.id(), "transfer-failed", e.getMessage());
            return;
        }
        bridged.whenComplete((r, error) -> {
            if (error != null) {
                store.event(call.id(), "transfer-failed", "bridge to " + target + " failed: " + error.getMessage());
            } else if (r.getSipStatus() >= 200 && r.getSipStatus() < 300) {
                store.event(call.id(), "transfer-method", "bridge");
            } else {
                store.event(call.id(), "transfer-failed", "bridge to " + target + " answered " + r.getSipStatus()
                        + (r.getReason().isEmpty() ? "" : " (" + r.getReason() + ")") + "; the caller stays with the bot");
            }
        });
    }

    /** Where Patchbay's own INVITE to a target goes, with the digest credentials to answer a challenge. */
    record Dial(String uri, String username, String password) {
    }

    /**
     * A sip: target as given; a tel: one through the workspace's outbound trunk (422 on {@code to} when it has
     * none; {@code why} says what needed the trunk).
     */
    Dial dial(CallRecord call, String target, String why) {
        if (!target.startsWith("tel:")) {
            return new Dial(target, null, null);
        }
        Tenants.Trunk trunk = (tenants == null ? Optional.<Tenants.Trunk>empty() : tenants.outboundTrunk(call.workspaceId()))
                .orElseThrow(() -> new Refused(422, "to", why + " through the workspace's outbound trunk; it has none:"
                        + " add one with the admin API, or name a sip: URI"));
        return new Dial(telOverTrunk(target, trunk), trunk.username(),
                trunk.passwordEnc() == null ? null : secrets.open(trunk.passwordEnc()));
    }

    /** {@code tel:+14155550123} as a SIP URI at the trunk: the number in the user part, the trunk's transport kept. */
    static String telOverTrunk(String tel, Tenants.Trunk trunk) {
        String number = tel.substring("tel:".length());
        int params = number.indexOf(';');
        number = params < 0 ? number : number.substring(0, params);
        String transport = trunk.transport() == null || trunk.transport().equalsIgnoreCase("udp") ? ""
                : ";transport=" + trunk.transport().toLowerCase(Locale.ROOT);
        return "sip:" + number + "@" + trunk.host() + ":" + trunk.port() + transport;
    }

    /**
     * Bridges the call to a second leg INVITEd to {@code target} exactly as given (ASAPP's INVITE return);
     * the bot stays attached, listen-only. Completes with the new leg's final status once it is answered
     * or has failed; a failed leg leaves the call with its bot.
     */
    public CompletableFuture<BridgeResponse> bridge(CallRecord call,
            String target, String username, String password) {
        MediaNodeLink link = live(call, true);
        store.event(call.id(), "bridge-requested", target);
        var request = BridgeRequest.newBuilder().setCallId(call.id()).setTargetUri(target)
                .setAuthUsername(username == null ? "" : username).setAuthPassword(password == null ? "" : password);
        String from = callerFromUri(call);
        if (from != null) {
            request.setFromUri(from);
        }
        return Unary.call(MediaPlaneGrpc.newStub(link.channel()).withDeadlineAfter(3, TimeUnit.MINUTES)::bridge, request.build());
    }

    /**
     * The caller's number as the From of a second leg (a bridge's or a consult's), so the agent's screen shows
     * who is calling; null when the call's From is neither a sip: URI nor a number (the node's default then).
     */
    static String callerFromUri(CallRecord call) {
        if (call.from() == null || !call.from().matches("sip:[^\\s<>\"]+|\\+?[0-9]{1,20}")) {
            return null;
        }
        return call.from().startsWith("sip:") ? call.from() : "sip:" + call.from() + "@patchbay.invalid";
    }

    /** Puts the far end on hold (re-INVITE a=sendonly) or takes it off (a=sendrecv). */
    public void hold(CallRecord call, boolean hold) {
        MediaNodeLink link = live(call, true);
        store.event(call.id(), hold ? "hold-requested" : "unhold-requested", null);
        HoldResponse r = rpcResult(() -> MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(35, TimeUnit.SECONDS)
                .hold(HoldRequest.newBuilder().setCallId(call.id()).setHold(hold).build()));
        store.event(call.id(), hold ? "held" : "resumed", "re-INVITE answered " + r.getSipStatus());
        if (r.getSipStatus() >= 300) {
            throw new Refused(409, null, "the far end refused the re-INVITE with " + r.getSipStatus()
                    + "; the call stays as it was");
        }
    }

    /** The call's media counters so far, from the node that holds it; empty if it cannot say. */
    public Optional<RtpStats> stats(CallRecord call) {
        if (call.status().terminal() || call.answeredAt() == null) {
            return Optional.empty();
        }
        return nodes.byNode(call.mediaNode()).filter(MediaNodeLink::connected).flatMap(link -> {
            try {
                return Optional.of(MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .callStats(CallStatsRequest.newBuilder().setCallId(call.id()).build()).getStats());
            } catch (StatusRuntimeException e) {
                return Optional.empty();
            }
        });
    }

    /** Plays a PCM16 mono WAV (8 or 16 kHz) into an answered call; the clip's length in ms. */
    public long play(CallRecord call, byte[] wav) {
        MediaNodeLink link = live(call, true);
        store.event(call.id(), "play", wav.length + " bytes");
        return rpcResult(() -> MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .play(PlayRequest.newBuilder().setCallId(call.id()).setWav(ByteString.copyFrom(wav))
                        .build())).getDurationMs();
    }

    public void dtmf(CallRecord call, String digits) {
        if (digits == null || !DIGITS.matcher(digits).matches()) {
            throw new Refused(422, "digits", "digits must be 1 to 64 of 0-9 * # A-D, with ',' for a 500 ms pause");
        }
        MediaNodeLink link = live(call, true);
        store.event(call.id(), "dtmf-sent", digits);
        rpc(() -> MediaPlaneGrpc.newBlockingStub(link.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .sendDtmf(SendDtmfRequest.newBuilder().setCallId(call.id()).setDigits(digits.toUpperCase(Locale.ROOT)).build()));
    }

    /**
     * The Refer-To for a target: a SIP URI or a {@code tel:} URI as given; an E.164 number as a
     * {@code tel:} URI (RFC 3966), which the far end's proxy routes as it routes any number.
     */
    static String referTo(String to) {
        String t = to == null ? "" : to.strip();
        if ((t.startsWith("sip:") || t.startsWith("sips:")) && t.indexOf('@') > 4 && t.length() <= 1024) {
            return t;
        }
        if (TEL.matcher(t).matches()) {
            return t;
        }
        if (E164.matcher(t).matches()) {
            return "tel:" + t;
        }
        throw new Refused(422, "to", "to must be an E.164 number (+14155550100), a tel: URI (tel:+14155550100)"
                + " or a sip: URI with a host (sip:agent@pbx.example.com)");
    }

    MediaNodeLink live(CallRecord call, boolean answered) {
        if (call.status().terminal()) {
            throw new Refused(409, null, "call " + call.id() + " has ended (" + call.status().wire() + ")");
        }
        if (answered && call.status() != CallStatus.IN_PROGRESS) {
            throw new Refused(409, null, "call " + call.id() + " is " + call.status().wire() + "; this needs an answered call");
        }
        return nodes.byNode(call.mediaNode()).filter(MediaNodeLink::connected).orElseThrow(() -> new Refused(503, null,
                "the media-plane node " + call.mediaNode() + " holding the call is not connected; retry shortly"));
    }

    private static void rpc(Runnable call) {
        rpcResult(() -> {
            call.run();
            return null;
        });
    }

    static <T> T rpcResult(Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                // Typically an in-dialog request (INFO, re-INVITE) the far end never answered.
                throw new Refused(504, null, "the call's media-plane did not confirm the action in time; the far end"
                        + " may not be answering in-dialog requests (INFO, re-INVITE). Read the call's events for the outcome");
            }
            int http = switch (e.getStatus().getCode()) {
                case NOT_FOUND -> 409;
                case INVALID_ARGUMENT, FAILED_PRECONDITION -> 422;
                default -> 503;
            };
            throw new Refused(http, null, "the media-plane refused: " + e.getStatus().getDescription());
        }
    }
}
