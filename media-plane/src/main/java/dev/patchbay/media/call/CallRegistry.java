package dev.patchbay.media.call;

import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.patchbay.media.loop.NanoClock;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * The calls in progress, found by Patchbay id or SIP Call-ID, and counts of those ended by cause.
 * Ids and attach tokens come from a per-thread {@link java.security.SecureRandom}: the token is what lets a
 * bot attach to a call.
 */
final class CallRegistry {

    private final ConcurrentHashMap<String, Call> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Call> bySipCallId = new ConcurrentHashMap<>();
    private final AtomicLongArray ended = new AtomicLongArray(HangupCause.values().length);
    private final ThreadRandom random = new ThreadRandom();
    private final NanoClock clock;

    CallRegistry(NanoClock clock) {
        this.clock = clock;
    }

    Optional<Call> byId(String callId) {
        return Optional.ofNullable(byId.get(callId));
    }

    Optional<Call> bySipCallId(String sipCallId) {
        return Optional.ofNullable(bySipCallId.get(sipCallId));
    }

    int size() {
        return byId.size();
    }

    List<Call> snapshot() {
        return List.copyOf(byId.values());
    }

    String newId() {
        return "CA" + random.hex(16);
    }

    /** A new call under {@code id}; an empty {@code token} gets a fresh random attach token. */
    Call register(String id, String token, String sipCallId, Negotiated negotiated, String localAddress,
                  Object sipContext) {
        Call call = unregistered(id, token, sipCallId, negotiated, localAddress, sipContext);
        if (byId.putIfAbsent(id, call) != null) {
            throw new IllegalStateException("call id " + id + " is already in use");
        }
        bySipCallId.put(sipCallId, call);
        return call;
    }

    /** A call that is in no map, counted nowhere: what {@link #register} builds, and the start-up rehearsal's. */
    Call unregistered(String id, String token, String sipCallId, Negotiated negotiated, String localAddress,
                      Object sipContext) {
        String attachToken = token;
        if (attachToken.isEmpty()) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            attachToken = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        }
        return new Call(id, attachToken, sipCallId, negotiated, localAddress, sipContext, clock);
    }

    /** Forgets an ended call and counts it under {@code cause}. */
    void remove(Call call, HangupCause cause) {
        if (cause != HangupCause.UNRECOGNIZED) {
            ended.incrementAndGet(cause.ordinal());
        }
        byId.remove(call.id());
        bySipCallId.remove(call.sipCallId(), call); // only this call: a new one may reuse the Call-ID
    }

    long endedWith(HangupCause cause) {
        return cause == HangupCause.UNRECOGNIZED ? 0 : ended.get(cause.ordinal());
    }
}
