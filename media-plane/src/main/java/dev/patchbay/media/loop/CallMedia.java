package dev.patchbay.media.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.dtmf.InbandDtmfDetector;
import dev.patchbay.media.dtmf.Rfc4733Receiver;
import dev.patchbay.media.dtmf.SameKeyFilter;
import dev.patchbay.media.jitter.JitterBuffer;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.record.CallRecorder;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.rtp.RtpPortPool.RtpSocket;
import dev.patchbay.media.rtp.ReceptionStats;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.srtp.SrtpContext;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * The RTP side of one call. Created on a signalling thread, then owned by its {@link MediaLoop}:
 * every method except {@link #start}, {@link #attach} and {@link #stop} runs on the loop thread,
 * and those three hand their work to it.
 *
 * <p>Receive path: parse, source latch, then either RFC 4733 events or voice, which is decoded into
 * a jitter buffer played out on arrival: each 20 ms frame goes to the bot as soon as all of it is
 * here, in order, and a frame with a gap goes concealed once it is overdue (checked on arrivals and
 * every tick). Send path: {@link CallerPlayout}, one packet per 20 ms slot of bot audio, or silence
 * when the bot has none, so the caller's jitter buffer and NAT binding see a steady real-time stream.
 */
public final class CallMedia implements PlayoutQueue.MarkListener {

    private static final int SAMPLES_PER_FRAME = 160;
    /** 120 ms at 8 kHz: beyond any ptime a carrier sends; longer payloads are dropped as malformed. */
    private static final int MAX_PACKET_SAMPLES = 960;

    /** Frames one wake-up may hand the bot: a second of audio after a stall, then the next wake-up. */
    private static final int MAX_FRAMES_PER_WAKE = 50;

    private final MediaLoop loop;
    private final RtpSocket socket;
    private Negotiated codec;
    private final PlayoutQueue playout;
    private final CallerPlayout toCaller;
    private final MediaEvents events;
    private volatile boolean ulaw;

    // receive state
    private final RtpPacket packet = new RtpPacket();
    private final Rfc4733Receiver dtmf = new Rfc4733Receiver();
    private final short[] frame = new short[SAMPLES_PER_FRAME];
    private final short[] decoded = new short[MAX_PACKET_SAMPLES];
    private final JitterBuffer jitter;
    /** Listens for tones only when the caller cannot send RFC 4733 events. */
    private InbandDtmfDetector inband;
    // SRTP when the call negotiated SDES keys: one context per direction, loop-owned.
    private SrtpContext srtpIn;
    private long ssrc = -1;
    private boolean streaming;
    private SocketAddress latchedSource;
    private int upSequence;
    private long upTimestamp;

    private long received, dropped, uplinkDropped; // counters, loop-owned
    // inactivity watch, loop-owned
    private final long rtpTimeoutNanos;
    private boolean expectsRtp;
    private long lastHeardNanos;
    private int ticksToInactivityCheck;
    private boolean timedOut;
    /** Early media (183) before the answer: the caller owes no RTP yet, so inactivity is not watched. */
    private boolean early;

    private final SameKeyFilter sameKey = new SameKeyFilter();
    private final ReceptionStats reception = new ReceptionStats(8000);
    private CallRecorder recorder;
    private static final short[] SILENCE = new short[SAMPLES_PER_FRAME];

    private AudioUplink uplink;
    private FrameTap tap;
    private boolean running, stopped;

    public CallMedia(MediaLoop loop, RtpSocket socket, Negotiated codec, int playoutFrames, Duration rtpTimeout,
                     int jitterMaxMs, MediaEvents events) {
        this.jitter = JitterBuffer.onArrival(jitterMaxMs);
        this.inband = codec.telephoneEvent() == null ? new InbandDtmfDetector() : null;
        this.playout = new PlayoutQueue(playoutFrames, SAMPLES_PER_FRAME, 1024);
        this.toCaller = new CallerPlayout(playout,
                new RtpSender(socket.channel(), new InetSocketAddress(codec.remoteAddress(), codec.remotePort())), codec, this, System::nanoTime);
        keys(codec);
        this.loop = loop;
        this.socket = socket;
        this.codec = codec;
        this.events = events;
        this.ulaw = codec.audio().is("PCMU");
        playout.onAudio(() -> loop.audioArrived(this));
        this.rtpTimeoutNanos = rtpTimeout.toNanos();
        // A caller that only listens (our answer sendonly or inactive) owes us no RTP.
        this.expectsRtp = codec.direction() == Direction.SENDRECV || codec.direction() == Direction.RECVONLY;
    }

    /**
     * Applies a new offer/answer from a re-INVITE: hold and resume (direction), a codec change, a
     * new remote address, or telephone-event coming or going. Queued bot audio in the old codec is
     * dropped rather than played as noise.
     */
    public void renegotiate(Negotiated next) {
        loop.execute(() -> {
            boolean codecChanged = !next.audio().encoding().equalsIgnoreCase(codec.audio().encoding());
            boolean remoteChanged = !next.remoteAddress().equals(codec.remoteAddress()) || next.remotePort() != codec.remotePort();
            if ((codec.telephoneEvent() == null) != (next.telephoneEvent() == null)) {
                inband = next.telephoneEvent() == null ? new InbandDtmfDetector() : null;
            }
            codec = next;
            toCaller.configure(next);
            keys(next);
            ulaw = next.audio().is("PCMU");
            expectsRtp = next.direction() == Direction.SENDRECV || next.direction() == Direction.RECVONLY;
            lastHeardNanos = System.nanoTime();
            if (codecChanged) {
                playout.clear();
            }
            if (remoteChanged) {
                toCaller.sender().to(new InetSocketAddress(next.remoteAddress(), next.remotePort()));
                latchedSource = null; // the media moved: latch again onto whoever sends first
            }
        });
    }

    /** SRTP contexts for the negotiated SDES keys, or none for plain RTP. */
    private void keys(Negotiated n) {
        if (n.srtp() == null) {
            srtpIn = null;
            toCaller.sender().srtp(null);
            return;
        }
        try {
            srtpIn = SrtpContext.fromMaster(n.srtp().remoteKey(), n.srtp().remoteSalt());
            toCaller.sender().srtp(SrtpContext.fromMaster(n.srtp().localKey(), n.srtp().localSalt()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("AES/SHA-1 unavailable in this JDK", e);
        }
    }

    /** Where bot audio goes: frames of 160 bytes in the call's G.711 codec. Producer side only. */
    public PlayoutQueue playout() {
        return playout;
    }

    public boolean ulaw() { return ulaw; }

    public int localPort() { return socket.port(); }

    /** Starts receiving and sending. */
    public void start() {
        loop.execute(() -> {
            if (stopped) {
                return;
            }
            try {
                loop.register(this, socket.channel());
                running = true;
                lastHeardNanos = System.nanoTime();
            } catch (IOException e) {
                events.mediaFailed("cannot register the RTP socket: " + e.getMessage());
            }
        });
    }

    /**
     * Plays {@code audio} to the caller as early media, from now until {@link #answered} or the bot's
     * first frame. Call before or after {@link #start}; {@code audio} must be in this call's codec.
     */
    public void playEarly(dev.patchbay.media.playout.EarlyAudio audio) {
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
                lastHeardNanos = System.nanoTime();
            }
        });
    }

    /** Connects the bot; from now on caller audio flows up to it. */
    public void attach(AudioUplink newUplink) {
        loop.execute(() -> {
            if (uplink != null) {
                uplink.ended(HangupCause.ERROR, "another bot attached to this call");
            }
            uplink = newUplink;
            uplink.onLoop(loop);
            uplink.attached();
        });
    }

    /** Sends every caller frame to {@code to} as well (a bridge's other leg); null stops it. */
    public void tap(FrameTap to) {
        loop.execute(() -> tap = to);
    }

    /** Detaches the bot if it is still the attached one, without ending the call. */
    public void detach(AudioUplink old) {
        loop.execute(() -> {
            if (uplink == old) {
                uplink = null;
            }
        });
    }

    /**
     * Stops media, tells the bot why, and gives the socket back to the pool.
     *
     * @return the call's counters, once the loop has let go of the socket
     */
    public CompletableFuture<MediaStats> stop(HangupCause cause, String reason, java.util.function.Consumer<RtpSocket> release) {
        CompletableFuture<MediaStats> done = new CompletableFuture<>();
        loop.execute(() -> {
            if (stopped) {
                done.complete(stats());
                return;
            }
            stopped = true;
            running = false;
            if (recorder != null) {
                recorder.finish();
            }
            loop.unregister(this, socket.channel());
            release.accept(socket);
            if (uplink != null) {
                uplink.ended(cause, reason);
                uplink = null;
            }
            done.complete(stats());
        });
        return done;
    }

    private MediaStats stats() {
        RtpSender sender = toCaller.sender();
        return new MediaStats(received, sender.sent(), dropped + sender.failed(), playout.overflowed(), uplinkDropped,
                jitter.concealed(), jitter.late() + jitter.duplicates(), reception.jitterMs(), reception.expected(), reception.lost());
    }

    /**
     * The jitter buffer's playout delay target, for the metrics at call end. Read it only once
     * {@link #stop}'s future has completed: the loop thread wrote it before completing that.
     */
    public int jitterDelayMs() {
        return jitter.targetMs();
    }

    /** The counters so far, taken on the loop; the same as {@link #stop} reports once stopped. */
    public CompletableFuture<MediaStats> snapshot() {
        CompletableFuture<MediaStats> now = new CompletableFuture<>();
        loop.execute(() -> now.complete(stats()));
        return now;
    }

    // ---- loop thread -----------------------------------------------------------------------------

    void onPacket(SocketAddress source, byte[] buf, int len, long nowNanos) {
        if (srtpIn != null && running) {
            len = srtpIn.unprotect(buf, 0, len); // forged, replayed or garbled packets stop here
            if (len < 0) {
                dropped++;
                return;
            }
        }
        if (!running || packet.parse(buf, 0, len) != RtpPacket.ParseResult.OK) {
            dropped++;
            return;
        }
        // Symmetric RTP: lock onto the first source that sends valid RTP and answer there; later
        // packets from anywhere else are dropped, which also stops RTP bleed from a reused port.
        if (latchedSource == null) {
            latchedSource = source;
            toCaller.sender().to(source);
        } else if (!latchedSource.equals(source)) {
            dropped++;
            return;
        }
        lastHeardNanos = nowNanos;
        int pt = packet.payloadType();
        reception.packet(packet.ssrc(), packet.sequence(), packet.timestamp(), pt == codec.audio().payloadType(), nowNanos);
        if (pt == codec.audio().payloadType()) {
            received++;
            decodeVoice(buf, packet.payloadOffset(), packet.payloadLength(), nowNanos);
        } else if (codec.telephoneEvent() != null && pt == codec.telephoneEvent().payloadType()) {
            received++;
            if (dtmf.feed(packet.timestamp(), buf, packet.payloadOffset(), packet.payloadLength()).began()) {
                reportDigit(dtmf.digit(), 0, DtmfSource.RFC4733);
            }
        } else {
            dropped++;
        }
    }

    private void reportDigit(char digit, int durationMs, DtmfSource source) {
        if (!sameKey.admit(digit, source, System.nanoTime())) {
            return;
        }
        events.dtmf(digit, durationMs, source);
        if (uplink != null) {
            uplink.dtmf(digit, durationMs, source);
        }
    }

    /** A digit that arrived by signalling (SIP INFO) rather than in the media; reported like the others. */
    public void signalledDigit(char digit, int durationMs, DtmfSource source) {
        loop.execute(() -> {
            if (running) {
                reportDigit(digit, durationMs, source);
            }
        });
    }

    private void decodeVoice(byte[] buf, int off, int len, long nowNanos) {
        if (len > MAX_PACKET_SAMPLES) {
            dropped++;
            return;
        }
        if (packet.ssrc() != ssrc) {
            if (ssrc >= 0) {
                jitter.reset(); // a new source (e.g. a re-INVITE to another gateway): a new timeline
            }
            ssrc = packet.ssrc();
        }
        if (ulaw) {
            G711.decodeUlaw(buf, off, len, decoded, 0);
        } else {
            G711.decodeAlaw(buf, off, len, decoded, 0);
        }
        jitter.put(packet.timestamp(), decoded, 0, len, nowNanos);
        deliverCallerFrames(nowNanos);
    }

    /**
     * Every 20 ms frame that is complete or overdue, to the bot, from the first audio on, so the bot
     * sees an unbroken timeline.
     */
    private void deliverCallerFrames(long nowNanos) {
        for (int i = 0; i < MAX_FRAMES_PER_WAKE; i++) {
            JitterBuffer.Pull pulled = jitter.next(frame, nowNanos);
            if (pulled == JitterBuffer.Pull.WAIT) {
                return;
            }
            streaming |= pulled != JitterBuffer.Pull.SILENCE;
            if (streaming) {
                deliverCallerFrame();
            }
        }
    }

    private void deliverCallerFrame() {
        if (recorder != null) {
            recorder.caller(frame);
        }
        if (inband != null) {
            char digit = inband.feed(frame, 0, SAMPLES_PER_FRAME);
            if (digit != 0) {
                reportDigit(digit, 0, DtmfSource.INBAND);
            }
        }
        if (tap != null) {
            tap.frame(frame);
        }
        if (uplink != null) {
            uplink.callerFrame(frame, upSequence, upTimestamp);
        } else {
            uplinkDropped++;
        }
        upSequence++;
        upTimestamp += SAMPLES_PER_FRAME;
    }

    void tick(long nowNanos) {
        if (!running) {
            return;
        }
        if (--ticksToInactivityCheck <= 0) {
            ticksToInactivityCheck = 50; // once a second is precise enough for a timeout of seconds
            checkInactivity(nowNanos);
        }
        deliverCallerFrames(nowNanos);
        if (recorder != null && !streaming) {
            recorder.caller(SILENCE); // the caller's side of the recording keeps time before their first word
        }
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

    /** Records this call from now on; called before {@link #start}. */
    public void record(CallRecorder to) {
        loop.execute(() -> {
            recorder = to;
            toCaller.record(to);
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

    private void checkInactivity(long nowNanos) {
        if (expectsRtp && !early && !timedOut && nowNanos - lastHeardNanos > rtpTimeoutNanos) {
            timedOut = true;
            events.mediaTimeout("no RTP from the caller for " + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(
                    nowNanos - lastHeardNanos) + " s");
        }
    }

    @Override
    public void markPlayed(String name, boolean cleared) {
        if (uplink != null) {
            uplink.markPlayed(name, cleared);
        }
    }
}
