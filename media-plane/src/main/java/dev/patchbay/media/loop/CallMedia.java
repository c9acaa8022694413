package dev.patchbay.media.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.patchbay.media.dtmf.InbandDtmfDetector;
import dev.patchbay.media.playout.EarlyAudio;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.record.CallRecorder;
import dev.patchbay.media.rtp.RtpPortPool.RtpSocket;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * The RTP side of one call, built by {@link MediaPipeline}. Created on a signalling thread, then owned
 * by its {@link MediaLoop}: the public methods hand their work to the loop, and the package-private
 * ones run on it.
 *
 * <p>Receive path ({@link CallerReceive}): each 20 ms frame goes to the bot as soon as all of it is
 * here, in order, and a frame with a gap goes concealed once it is overdue (checked on arrivals and
 * every tick). Send path ({@link CallerPlayout}): one packet per 20 ms slot of bot audio, or silence
 * when the bot has none, so the caller's jitter buffer and NAT binding see a steady real-time stream.
 * This class owns the call's life on the loop: start, re-INVITEs, the inactivity watch, stop.
 */
public final class CallMedia {

    private final MediaLoop loop;
    private final NanoClock clock;
    private final RtpSocket socket;
    private final PlayoutQueue playout;
    private final CallerReceive fromCaller;
    private final CallerPlayout toCaller;
    private final MediaEvents events;
    private Negotiated codec;
    private volatile boolean ulaw;
    /** G.722 or Opus: the call runs at 16 kHz for its whole life; its queue holds 16 kHz L16 frames. */
    private final boolean wideband;
    private boolean running, stopped;

    // inactivity watch, loop-owned
    private final long rtpTimeoutNanos;
    private boolean expectsRtp;
    private int ticksToInactivityCheck;
    private boolean timedOut;
    /** Early media (183) before the answer: the caller owes no RTP yet, so inactivity is not watched. */
    private boolean early;

    CallMedia(MediaLoop loop, RtpSocket socket, Negotiated codec, CallerReceive fromCaller, CallerPlayout toCaller,
              PlayoutQueue playout, Duration rtpTimeout, MediaEvents events) {
        this.loop = loop;
        this.clock = loop.clock();
        this.socket = socket;
        this.fromCaller = fromCaller;
        this.toCaller = toCaller;
        this.playout = playout;
        this.events = events;
        this.rtpTimeoutNanos = rtpTimeout.toNanos();
        this.wideband = codec.wideband();
        configure(codec, MediaPipeline.inbandDetector(codec));
        playout.onAudio(() -> loop.audioArrived(this));
    }

    /** Applies a negotiation to both paths; the in-band detector is kept unless telephone-event came or went. */
    private void configure(Negotiated next, InbandDtmfDetector detector) {
        codec = next;
        ulaw = next.audio().is("PCMU");
        // A caller that only listens (our answer sendonly or inactive) owes us no RTP.
        expectsRtp = next.direction() == Direction.SENDRECV || next.direction() == Direction.RECVONLY;
        fromCaller.configure(next, MediaPipeline.srtpIn(next), detector);
        toCaller.configure(next);
        toCaller.sender().srtp(MediaPipeline.srtpOut(next));
    }

    /**
     * Applies a new offer/answer from a re-INVITE: hold and resume (direction), a codec change, a
     * new remote address, or telephone-event coming or going. Queued bot audio in the old codec is
     * dropped rather than played as noise.
     */
    public void renegotiate(Negotiated next) {
        loop.execute(() -> {
            if (next.wideband() != wideband) {
                // The stages were sized for the call's rate at the answer; ReInvites offers only codecs of that rate.
                events.mediaFailed("the far end moved the call from " + codec.audio().encoding() + " to "
                        + next.audio().encoding() + ", another sample rate; a call keeps the rate it was answered at");
                return;
            }
            boolean codecChanged = !next.audio().encoding().equalsIgnoreCase(codec.audio().encoding());
            boolean remoteChanged = !next.remoteAddress().equals(codec.remoteAddress()) || next.remotePort() != codec.remotePort();
            boolean eventsChanged = (codec.telephoneEvent() == null) != (next.telephoneEvent() == null);
            configure(next, eventsChanged ? MediaPipeline.inbandDetector(next) : fromCaller.inband());
            fromCaller.heard(clock.nanos());
            if (codecChanged) {
                playout.clear();
            }
            if (remoteChanged) {
                toCaller.sender().to(new InetSocketAddress(next.remoteAddress(), next.remotePort()));
                fromCaller.unlatch(); // the media moved: latch again onto whoever sends first
            }
        });
    }

    /**
     * Where bot audio goes: frames of 160 bytes in the call's G.711 codec, or on a {@link #wideband}
     * call of 640 bytes of 16 kHz little-endian L16. Producer side only.
     */
    public PlayoutQueue playout() {
        return playout;
    }

    public boolean ulaw() { return ulaw; }

    /** Whether the call runs at 16 kHz (G.722, Opus); fixed at the answer. */
    public boolean wideband() { return wideband; }

    public int localPort() { return socket.port(); }

    /** The Opus receive stage, for its loss counters; null unless the call is on Opus. Loop-owned. */
    OpusReceive opus() { return fromCaller.opus(); }

    /** Starts receiving and sending. */
    public void start() {
        loop.execute(() -> {
            if (stopped) {
                return;
            }
            try {
                loop.register(this, socket.channel());
                running = true;
                fromCaller.heard(clock.nanos());
            } catch (IOException e) {
                events.mediaFailed("cannot register the RTP socket: " + e.getMessage());
            }
        });
    }

    /**
     * Plays {@code audio} to the caller as early media, from now until {@link #answered} or the bot's
     * first frame. Call before or after {@link #start}; {@code audio} must be in this call's codec.
     */
    public void playEarly(EarlyAudio audio) {
        loop.execute(() -> {
            early = true;
            toCaller.early(audio);
        });
    }

    /** The call was answered: early media stops, and the caller's RTP is watched from now on. */
    public void answered() {
        loop.execute(() -> {
            if (early) {
                early = false;
                toCaller.early(null);
                fromCaller.heard(clock.nanos());
            }
        });
    }

    /** Connects the bot; from now on caller audio flows up to it. */
    public void attach(AudioUplink newUplink) {
        loop.execute(() -> {
            if (fromCaller.uplink() != null) {
                fromCaller.uplink().ended(HangupCause.ERROR, "another bot attached to this call");
            }
            fromCaller.uplink(newUplink);
            newUplink.onLoop(loop);
            newUplink.attached();
        });
    }

    /** Plays {@code audio} in a loop where silence would go (hold music); null stops it. */
    public void hold(EarlyAudio audio) {
        loop.execute(() -> toCaller.early(audio));
    }

    /** Ends the attached bot's stream with {@code cause} and leaves the call up without a bot. */
    public void releaseBot(HangupCause cause, String reason) {
        loop.execute(() -> {
            AudioUplink bot = fromCaller.uplink();
            fromCaller.uplink(null);
            if (bot != null) {
                bot.ended(cause, reason);
            }
        });
    }

    /** Sends every caller frame to {@code to} as well (a bridge's other leg); null stops it. */
    public void tap(FrameTap to) {
        loop.execute(() -> fromCaller.tap(to));
    }

    /** Detaches the bot if it is still the attached one, without ending the call. */
    public void detach(AudioUplink old) {
        loop.execute(() -> {
            if (fromCaller.uplink() == old) {
                fromCaller.uplink(null);
            }
        });
    }

    /** Records this call from now on, both paths; called before {@link #start}. */
    public void record(CallRecorder to) {
        loop.execute(() -> {
            fromCaller.record(to);
            toCaller.record(to);
        });
    }

    /**
     * Stops media, tells the bot why, and gives the socket back to the pool.
     *
     * @return the call's counters, once the loop has let go of the socket
     */
    public CompletableFuture<MediaStats> stop(HangupCause cause, String reason, Consumer<RtpSocket> release) {
        CompletableFuture<MediaStats> done = new CompletableFuture<>();
        loop.execute(() -> {
            if (stopped) {
                done.complete(stats());
                return;
            }
            stopped = true;
            running = false;
            if (fromCaller.recorder() != null) {
                fromCaller.recorder().finish();
            }
            loop.unregister(this, socket.channel());
            release.accept(socket);
            AudioUplink uplink = fromCaller.uplink();
            if (uplink != null) {
                uplink.ended(cause, reason);
                fromCaller.uplink(null);
            }
            done.complete(stats());
        });
        return done;
    }

    private MediaStats stats() {
        RtpSender sender = toCaller.sender();
        var jitter = fromCaller.jitter();
        var reception = fromCaller.reception();
        OpusReceive opus = fromCaller.opus(); // Opus makes up and drops some frames before the jitter buffer sees them
        long filled = opus == null ? 0 : opus.filledFrames();
        long opusLate = opus == null ? 0 : opus.late();
        return new MediaStats(fromCaller.received(), sender.sent(), fromCaller.dropped() + sender.failed(),
                playout.overflowed(), fromCaller.uplinkDropped(), jitter.concealed() + filled,
                jitter.late() + jitter.duplicates() + opusLate,
                reception.jitterMs(), reception.expected(), reception.lost(), toCaller.trimmed());
    }

    /**
     * The jitter buffer's playout delay target, for the metrics at call end. Read it only once
     * {@link #stop}'s future has completed: the loop thread wrote it before completing that.
     */
    public int jitterDelayMs() {
        return fromCaller.jitter().targetMs();
    }

    /** The counters so far, taken on the loop; the same as {@link #stop} reports once stopped. */
    public CompletableFuture<MediaStats> snapshot() {
        CompletableFuture<MediaStats> now = new CompletableFuture<>();
        loop.execute(() -> now.complete(stats()));
        return now;
    }

    /** A digit that arrived by signalling (SIP INFO) rather than in the media; reported like the others. */
    public void signalledDigit(char digit, int durationMs, DtmfSource source) {
        loop.execute(() -> {
            if (running) {
                fromCaller.digit(digit, durationMs, source);
            }
        });
    }

    /**
     * Queues digits to play to the caller as RFC 4733 events.
     *
     * @return completes false if the call has no telephone-event, a digit is invalid, or too many are queued
     */
    public CompletableFuture<Boolean> sendDigits(String digits, int durationMs) {
        CompletableFuture<Boolean> queued = new CompletableFuture<>();
        loop.execute(() -> queued.complete(running && toCaller.dtmfOut() != null && toCaller.dtmfOut().enqueue(digits, durationMs)));
        return queued;
    }

    public boolean canSendRfc4733() { return toCaller.dtmfOut() != null; }

    /**
     * Queues digits to play to the caller as Q.23 tones in the outgoing audio.
     *
     * @return completes false if the call has ended, a digit is invalid, or too many are queued
     */
    public CompletableFuture<Boolean> sendTones(String digits, int toneMs) {
        CompletableFuture<Boolean> queued = new CompletableFuture<>();
        loop.execute(() -> queued.complete(running && toCaller.inbandDtmf().enqueue(digits, toneMs)));
        return queued;
    }

    // ---- loop thread -----------------------------------------------------------------------------

    void onPacket(SocketAddress source, byte[] buf, int len, long nowNanos) {
        if (running) {
            fromCaller.packet(source, buf, len, nowNanos);
        } else {
            fromCaller.refused();
        }
    }

    void tick(long nowNanos) {
        if (!running) {
            return;
        }
        if (--ticksToInactivityCheck <= 0) {
            ticksToInactivityCheck = 50; // once a second is precise enough for a timeout of seconds
            checkInactivity(nowNanos);
        }
        fromCaller.tick(nowNanos);
    }

    /** Called by the loop after the bot's stream queued audio for this call, and at {@link #sendWake}. */
    void send(long nowNanos) {
        if (running) {
            toCaller.service(nowNanos);
        }
    }

    /** When this call next has a packet for the caller, unless bot audio arrives first. */
    long sendWake(long nowNanos) {
        return running ? toCaller.wakeAt(nowNanos) : nowNanos + MediaLoop.TICK_NANOS;
    }

    private void checkInactivity(long nowNanos) {
        long silent = nowNanos - fromCaller.lastHeardNanos();
        if (expectsRtp && !early && !timedOut && silent > rtpTimeoutNanos) {
            timedOut = true;
            events.mediaTimeout("no RTP from the caller for " + TimeUnit.NANOSECONDS.toSeconds(silent) + " s");
        }
    }
}
