package dev.patchbay.media.loop;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.patchbay.media.dtmf.InbandDtmfDetector;
import dev.patchbay.media.dtmf.Rfc4733Receiver;
import dev.patchbay.media.dtmf.Rfc4733Sender;
import dev.patchbay.media.dtmf.SameKeyFilter;
import dev.patchbay.media.jitter.JitterBuffer;
import dev.patchbay.media.playout.BacklogTrimmer;
import dev.patchbay.media.playout.PlayoutClock;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.rtp.ReceptionStats;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.rtp.RtpPortPool.RtpSocket;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.srtp.SrtpContext;

/**
 * The one place a call's media path is put together: every stage, in the order audio passes it.
 *
 * <pre>
 * caller -> bot (the call's media loop)          bot -> caller
 *  1 RtpSocket          read by MediaLoop          1 BotChannel         gRPC thread: to G.711 codes, or 16 kHz L16
 *  2 SrtpContext in     when SDES keyed            2 PlayoutQueue       20 ms frames, marks, clear
 *  3 RtpPacket          parse, validate            3 PlayoutClock       one packet per 20 ms slot; a late frame held a slot
 *  4 source latch       symmetric RTP              4 Rfc4733Sender      a digit's events replace voice while it plays
 *  5 ReceptionStats     RFC 3550 jitter, loss      5 InbandDtmfOut      or its tones do (no telephone-event)
 *  6 Rfc4733Receiver    events -> SameKeyFilter    6 queue, EarlyAudio  the bot's frame, else ringback, else silence
 *  7 G711/G722 decode   voice -> 16-bit PCM        7 CallRecorder       right channel (set by record())
 *    or OpusReceive     16 kHz, FEC/PLC for gaps   8 BacklogTrimmer     sheds delay the bot keeps topping up
 *  8 JitterBuffer       frames leave on arrival    9 RtpSender          header, SrtpContext out, send
 *                       (Opus PLC conceals)             (G.722/Opus: WidebandVoice encodes first)
 *  9 CallRecorder       left channel (record())
 * 10 InbandDtmfDetector no telephone-event
 * 11 FrameTap           a bridge's other leg (tap())
 * 12 AudioUplink        the bot (attach())
 * </pre>
 *
 * Receive stages 2-12 are {@link CallerReceive}, send stages 3-9 {@link CallerPlayout}; {@link CallMedia}
 * runs both on the loop and owns the call's life. The stages marked by a method are set as the call
 * goes; those that depend on the negotiation are rebuilt by re-INVITEs from the methods below.
 *
 * <p>The call's rate is set at the answer and held for its life: a G.722 or Opus call runs every stage
 * at 16 kHz (jitter buffer, concealment, detector, recording, the queue's L16 frames, which the send
 * side encodes to G.722 or Opus as they leave), a G.711 call at 8 kHz. Re-INVITEs keep it
 * ({@code CodecOrder.sameRate}).
 */
public final class MediaPipeline {

    /** A late frame of a bot that is sending is waited for one slot before silence takes its place. */
    private static final long HOLD = TimeUnit.MILLISECONDS.toNanos(20);
    /** Marks a bot may have pending in its playout queue. */
    private static final int MAX_MARKS = 1024;

    private MediaPipeline() {
    }

    /** A call's media on {@code loop}, reading time from the loop's clock; not yet started. */
    public static CallMedia build(MediaLoop loop, RtpSocket socket, Negotiated codec, int playoutFrames,
                                  Duration rtpTimeout, int jitterMaxMs, MediaEvents events) {
        RtpSender toCaller = new RtpSender(socket.channel(), new InetSocketAddress(codec.remoteAddress(), codec.remotePort()),
                codec.audio().clockRate());
        CallerReceive receive = callerReceive(toCaller, jitterMaxMs, events, loop.clock(), codec);
        PlayoutQueue queue = new PlayoutQueue(playoutFrames, playoutFrameBytes(codec), MAX_MARKS);
        CallerPlayout send = callerPlayout(queue, receive, toCaller, codec, loop.clock());
        return new CallMedia(loop, socket, codec, receive, send, queue, rtpTimeout, events);
    }

    /** Receive stages 3-8 at the call's rate; the SRTP context and detector come with {@link CallerReceive#configure}. */
    static CallerReceive callerReceive(RtpSender replies, int jitterMaxMs, MediaEvents events, NanoClock clock,
                                       Negotiated codec) {
        int clockRate = codec.audio().clockRate();
        // Opus's stage hands the buffer positions already at 16 kHz; its 48 kHz RTP clock does not divide 16 kHz.
        int bufferClock = codec.audio().isOpus() ? codec.audio().sampleRate() : clockRate;
        return new CallerReceive(new RtpPacket(), new ReceptionStats(clockRate), new Rfc4733Receiver(), new SameKeyFilter(),
                new JitterBuffer(jitterMaxMs, codec.audio().sampleRate(), bufferClock), replies, events, clock);
    }

    /** Send stage 2: a frame is 160 G.711 codes, or 320 little-endian 16 kHz L16 samples on a G.722 or Opus call. */
    static int playoutFrameBytes(Negotiated codec) {
        return codec.wideband() ? 640 : 160;
    }

    /** Send stages 3-9 behind {@code queue}; marks that played go to {@code marks}. */
    static CallerPlayout callerPlayout(PlayoutQueue queue, PlayoutQueue.MarkListener marks, RtpSender sender,
                                       Negotiated codec, NanoClock clock) {
        // Backlog floor 0: a frame still queued after every slot for a second is delay the bot keeps topping up.
        return new CallerPlayout(queue, marks, new PlayoutClock(HOLD), new InbandDtmfOut(), new BacklogTrimmer(50, 0),
                sender, codec, clock);
    }

    /** Receive stage 10: only a caller that cannot send telephone-events is listened to for tones. */
    static InbandDtmfDetector inbandDetector(Negotiated n) {
        return n.telephoneEvent() == null ? new InbandDtmfDetector(n.audio().sampleRate()) : null;
    }

    /** Send stage 4: only a caller that takes telephone-events gets them. */
    static Rfc4733Sender rfc4733Out(Negotiated n) {
        return n.telephoneEvent() == null ? null : new Rfc4733Sender(n.telephoneEvent().clockRate());
    }

    /** Receive stage 2: what the caller sends is decrypted with their SDES key; null for plain RTP. */
    static SrtpContext srtpIn(Negotiated n) {
        return n.srtp() == null ? null : srtp(n.srtp().remoteKey(), n.srtp().remoteSalt());
    }

    /** Send stage 9: what the caller gets is encrypted with our SDES key; null for plain RTP. */
    static SrtpContext srtpOut(Negotiated n) {
        return n.srtp() == null ? null : srtp(n.srtp().localKey(), n.srtp().localSalt());
    }

    private static SrtpContext srtp(byte[] key, byte[] salt) {
        try {
            return SrtpContext.fromMaster(key, salt);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/SHA-1 unavailable in this JDK", e);
        }
    }
}
