package dev.patchbay.media.bridge;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.CallManager;
import dev.patchbay.proto.media.v1.BridgeRequest;
import dev.patchbay.proto.media.v1.BridgeResponse;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.proto.media.v1.PlaceCallRequest;
import dev.patchbay.proto.media.v1.Transport;

/**
 * Sets up bridges (the Bridge RPC): places the second leg with the PlaceCall machinery (so the digest
 * answer to a 401/407 is the same code), attaches a {@link BridgeLeg} to it, and ties the two calls'
 * ends together. The caller's end hangs up the second leg, whether it is still ringing or bridged.
 */
public final class CallBridges {

    /** The host and optional port of a sip: URI, bracketed IPv6 included. */
    private static final Pattern HOST = Pattern.compile("sip:(?:[^@;?]+@)?(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(?::(\\d{1,5}))?(?:[;?].*)?");

    /** A request that cannot be carried out; the message names the field and the remedy. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private static final Pattern TRANSPORT = Pattern.compile(";transport=(udp|tcp|tls)(?=[;?]|$)", Pattern.CASE_INSENSITIVE);

    /** How long the second leg may ring; the control-plane's deadline for the whole RPC is longer. */
    static final int RING_TIMEOUT_SECONDS = 60;

    private final CallManager calls;

    public CallBridges(CallManager calls) {
        this.calls = calls;
    }

    /**
     * Places the second leg for an answered {@code caller}.
     *
     * @return completes when the leg is answered (bridged, 2xx) or has failed (the call stays with its bot)
     * @throws Invalid for a malformed target, or a call already being bridged
     */
    public CompletableFuture<BridgeResponse> bridge(Call caller, BridgeRequest r) throws Invalid {
        String target = r.getTargetUri();
        PlaceCallRequest place = legRequest(caller, target, r.getFromUri(), r.getTransport())
                .setAuthUsername(r.getAuthUsername()).setAuthPassword(r.getAuthPassword()).build();
        if (!caller.claimBridge()) {
            throw new Invalid("call " + caller.id() + " is already bridged or being bridged; hang up the bridge first");
        }
        CompletableFuture<BridgeResponse> outcome = new CompletableFuture<>();
        Call leg;
        try {
            // Before the INVITE: a trunk that refuses at once (486 in a few ms) ends the leg before place()
            // returns, and only an uplink already attached hears of it; a silent leg reports nothing itself.
            leg = calls.place(place, placed -> {
                placed.silence();
                placed.attach(new BridgeLeg(calls, caller, placed, target, outcome));
            });
        } catch (IllegalArgumentException e) {
            caller.releaseBridge();
            throw new Invalid("cannot place the bridge leg: " + e.getMessage());
        }
        caller.onEnd(() -> calls.end(leg, HangupCause.BRIDGE_ENDED, 200, "the caller of " + caller.id() + " hung up"));
        // A 180 stops the INVITE transaction's own timeout, so an agent who never picks up is given up here.
        CompletableFuture.delayedExecutor(RING_TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(() -> {
            if (!outcome.isDone()) {
                calls.end(leg, HangupCause.ROUTE_TIMEOUT, 408, target + " did not answer within " + RING_TIMEOUT_SECONDS + " s");
            }
        });
        return outcome;
    }

    /**
     * The INVITE of a second leg from {@code caller} to {@code target} (a bridge's or a consult's): to the
     * target's host and port, From {@code from} or sip:patchbay@ this node.
     *
     * @throws Invalid naming target_uri when it is not a sip: URI with a host
     */
    public static PlaceCallRequest.Builder legRequest(Call caller, String target, String from, Transport transport)
            throws Invalid {
        Matcher m = HOST.matcher(target);
        if (target.length() > 1024 || !m.matches()) {
            throw new Invalid("target_uri must be a sip: URI of at most 1024 characters with a host, got '" + target + "'");
        }
        String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
        return PlaceCallRequest.newBuilder().setToUri(target)
                .setFromUri(from.isEmpty() ? "sip:patchbay@" + caller.localAddress() : from)
                .setTrunkHost(host).setTrunkPort(m.group(2) == null ? 0 : Integer.parseInt(m.group(2)))
                .setTransport(transport(transport, target));
    }

    /** The requested transport, else the target's ;transport= parameter, else UDP. */
    static Transport transport(Transport requested, String target) {
        if (requested != Transport.TRANSPORT_UNSPECIFIED) {
            return requested;
        }
        Matcher m = TRANSPORT.matcher(target);
        return !m.find() ? Transport.UDP : switch (m.group(1).toLowerCase(Locale.ROOT)) {
            case "tcp" -> Transport.TCP;
            case "tls" -> Transport.TLS;
            default -> Transport.UDP;
        };
    }
}
