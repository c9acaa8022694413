package dev.patchbay.media.call;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.patchbay.media.loop.AudioUplink;
import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.loop.NanoClock;
import dev.patchbay.media.rtp.RtpPortPool;
import dev.patchbay.media.sdp.AudioOffer;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.proto.media.v1.DtmfMethod;
import dev.patchbay.proto.media.v1.SipHeader;

/**
 * One call, from INVITE to hang-up. State changes go through {@link #transition}, which is atomic,
 * so the SIP threads, gRPC threads and timers that all touch a call agree on one history.
 *
 * @see CallManager
 */
public final class Call {

    private final String id;
    private final String attachToken;
    private final String sipCallId;
    private volatile Negotiated negotiated;
    private volatile AudioOffer offer;
    private volatile RtpPortPool.RtpSocket reserved;
    private final String localAddress;
    private final Object sipContext;
    private final AtomicReference<CallState> state = new AtomicReference<>(new CallState.Offered());
    private volatile CallMedia media;
    private volatile String earlyAnswer;
    private AudioUplink pendingUplink;
    private int attachments;
    private volatile String recording = "";
    private volatile Object owner;
    private volatile ScheduledFuture<?> timer;
    private volatile ScheduledFuture<?> refresh;
    private volatile List<SipHeader> rejectHeaders = List.of();
    private volatile long answeredNanos;
    private final NanoClock clock;
    private final long createdNanos; // the INVITE's arrival (or, outbound, its sending)
    private volatile Outbound options = Outbound.NONE;
    private volatile boolean listenOnly;
    private volatile int botInfoMaxBytes;
    private volatile boolean farEndEnds;
    private volatile DtmfMethod dtmfMethod = DtmfMethod.DTMF_METHOD_UNSPECIFIED;
    private volatile boolean recordOnAnswer;
    private volatile boolean silent;
    private final AtomicBoolean bridging = new AtomicBoolean();
    private final AtomicReference<Runnable> onEnd = new AtomicReference<>();
    private final AtomicReference<Runnable> onAnswer = new AtomicReference<>();

    /** What PlaceCall asked of a call Patchbay places: record it, end it after a while (0 = never). */
    public record Outbound(boolean record, int maxDurationSeconds) {
        public static final Outbound NONE = new Outbound(false, 0);
    }

    Call(String id, String attachToken, String sipCallId, Negotiated negotiated, String localAddress, Object sipContext,
         NanoClock clock) {
        this.clock = clock;
        this.createdNanos = clock.nanos();
        this.id = id;
        this.attachToken = attachToken;
        this.sipCallId = sipCallId;
        this.negotiated = negotiated;
        this.localAddress = localAddress;
        this.sipContext = sipContext;
    }

    public String id() {
        return id;
    }

    public String attachToken() {
        return attachToken;
    }

    /** Constant-time, so the token cannot be guessed byte by byte. */
    public boolean tokenMatches(String candidate) {
        return candidate != null && MessageDigest.isEqual(
                attachToken.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** Headers the control-plane wants on the final error response (a digest challenge); set before the reject. */
    public List<SipHeader> rejectHeaders() {
        return rejectHeaders;
    }

    void rejectHeaders(List<SipHeader> headers) {
        this.rejectHeaders = List.copyOf(headers);
    }

    public String sipCallId() {
        return sipCallId;
    }

    /** An inbound call's SDP offer, kept so its trunk's codec order can answer it again before media starts. */
    public void offer(AudioOffer offer) {
        this.offer = offer;
    }

    /** The inbound SDP offer, or null (late offer, outbound call). */
    AudioOffer offer() {
        return offer;
    }

    /** Outbound calls learn their codec from the answer; inbound calls may re-answer under their trunk's order. */
    void negotiated(Negotiated answer) {
        this.negotiated = answer;
    }

    /** Outbound calls bind their RTP socket before the offer; this hands it over exactly once. */
    synchronized RtpPortPool.RtpSocket takeReserved() {
        var socket = reserved;
        reserved = null;
        return socket;
    }

    void reserve(RtpPortPool.RtpSocket socket) {
        this.reserved = socket;
    }

    /** Placed by Patchbay (PlaceCall) rather than offered by a caller. */
    public boolean outbound() {
        return outbound;
    }

    private volatile boolean outbound;

    void markOutbound() {
        this.outbound = true;
    }

    /** Set by the SIP layer before the INVITE leaves; applied at the answer. */
    public void outboundOptions(Outbound options) {
        this.options = options;
    }

    public Outbound outboundOptions() {
        return options;
    }

    /** Nanoseconds since the call was created: its setup time, read at the answer. */
    long nanosSinceCreated() {
        return clock.nanos() - createdNanos;
    }

    /** Milliseconds since the call's media started (its answer), or 0 before. */
    public long answeredMillis() {
        long at = answeredNanos;
        return at == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(clock.nanos() - at);
    }

    public Negotiated negotiated() {
        return negotiated;
    }

    /** The address written into our SDP and Contact. */
    public String localAddress() {
        return localAddress;
    }

    /** The SIP layer's own per-call data (transactions, dialog); opaque here. */
    @SuppressWarnings("unchecked")
    public <T> T sipContext() {
        return (T) sipContext;
    }

    public CallState state() {
        return state.get();
    }

    /** Moves from {@code from} to {@code to}; false if the call was elsewhere. */
    public boolean transition(Class<? extends CallState> from, CallState to) {
        CallState current = state.get();
        return from.isInstance(current) && state.compareAndSet(current, to);
    }

    /** Ends the call unless it has already ended. Returns the state it ended from, or null. */
    CallState end(CallState.Ended ended) {
        while (true) {
            CallState current = state.get();
            if (current instanceof CallState.Ended) {
                return null;
            }
            if (state.compareAndSet(current, ended)) {
                Runnable then = onEnd.getAndSet(null);
                if (then != null) {
                    then.run();
                }
                return current;
            }
        }
    }

    public CallMedia media() {
        return media;
    }

    /** The recording's path, or empty when the call is not recorded. */
    public String recording() {
        return recording;
    }

    void recording(String path) {
        this.recording = path;
    }

    /** Sets the call's media and hands it a bot that attached before the answer. */
    synchronized void media(CallMedia media) {
        this.media = media;
        this.answeredNanos = clock.nanos() | 1; // never 0, which means "not answered"
        if (media != null && pendingUplink != null) {
            media.attach(pendingUplink);
            pendingUplink = null;
        }
    }

    /**
     * Media that starts before the answer (183 with SDP): a bot attaching meanwhile gets it at once.
     * {@link #media(CallMedia)} with the same media at the answer stamps the answer time.
     */
    synchronized void earlyMedia(CallMedia media, String sdpAnswer) {
        this.earlyAnswer = sdpAnswer;
        this.media = media;
        if (pendingUplink != null) {
            media.attach(pendingUplink);
            pendingUplink = null;
        }
    }

    /** The SDP answer sent in a 183, which the 200 OK must repeat unchanged; null without early media. */
    public String earlyAnswer() {
        return earlyAnswer;
    }

    /** Connects a bot now if media runs, else as soon as the call is answered. */
    public synchronized void attach(AudioUplink uplink) {
        attachments++;
        if (media != null) {
            media.attach(uplink);
        } else {
            pendingUplink = uplink;
        }
    }

    /** How many times a bot has attached; a re-attach after a lost stream changes it. */
    public synchronized int attachments() {
        return attachments;
    }

    /** The bot that attached before the answer and never got media, if any. */
    synchronized AudioUplink takePendingUplink() {
        AudioUplink u = pendingUplink;
        pendingUplink = null;
        return u;
    }

    /** The control stream that took the call, so its events go back to the same replica. */
    public Object owner() {
        return owner;
    }

    public void owner(Object owner) {
        this.owner = owner;
    }

    /** The session-timer deadline: replaced on every refresh, cancelled at the end. */
    void refreshTimer(ScheduledFuture<?> next) {
        ScheduledFuture<?> previous = refresh;
        refresh = next;
        if (previous != null) {
            previous.cancel(false);
        }
    }

    void timer(ScheduledFuture<?> next) {
        ScheduledFuture<?> previous = timer;
        timer = next;
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** Late offer: the answer decision's record flag, applied when the ACK's answer starts the media. */
    boolean recordOnAnswer() {
        return recordOnAnswer;
    }

    void recordOnAnswer(boolean record) {
        this.recordOnAnswer = record;
    }

    /** Bridged to a second leg: the bot still hears the caller, but its audio no longer reaches them. */
    /** How digits go to this call when a SendDtmf names no method: its trunk's mode; UNSPECIFIED = auto. */
    public DtmfMethod dtmfMethod() {
        return dtmfMethod;
    }

    public void dtmfMethod(DtmfMethod method) {
        this.dtmfMethod = method;
    }

    public boolean listenOnly() {
        return listenOnly;
    }

    /** The largest INFO body the bot may send (Answer.bot_info_max_bytes); 0 when the call takes none. */
    public int botInfoMaxBytes() {
        return botInfoMaxBytes;
    }

    public void botInfoMaxBytes(int limit) {
        this.botInfoMaxBytes = limit;
    }

    /** True once the bot's final INFO is out: the far end sends the BYE, so the bot leaving must not. */
    public boolean farEndEnds() {
        return farEndEnds;
    }

    public void farEndEnds(boolean on) {
        this.farEndEnds = on;
    }

    public void listenOnly(boolean on) {
        this.listenOnly = on;
    }

    /** A bridge's second leg or a refused offer: the control-plane knows nothing of it, so its events are not reported. */
    public boolean silent() {
        return silent;
    }

    public void silence() {
        this.silent = true;
    }

    /** Takes the call's one bridge slot; false while another bridge is being set up or runs. */
    public boolean claimBridge() {
        return bridging.compareAndSet(false, true);
    }

    /** Gives the slot back after a bridge attempt failed, so the bot may try again. */
    public void releaseBridge() {
        bridging.set(false);
    }

    /** Runs {@code then} once, on the thread that ends the call, as it ends (replacing any earlier one). */
    public void onEnd(Runnable then) {
        onEnd.set(then);
        if (then != null && state.get() instanceof CallState.Ended && onEnd.compareAndSet(then, null)) {
            then.run(); // ended meanwhile
        }
    }

    /** Runs {@code then} once when a placed call's media starts (its answer); set before the INVITE leaves. */
    public void onAnswer(Runnable then) {
        onAnswer.set(then);
    }

    void answeredNow() {
        Runnable then = onAnswer.getAndSet(null);
        if (then != null) {
            then.run();
        }
    }

    @Override
    public String toString() {
        return id + " (" + sipCallId + ")";
    }
}
