package dev.patchbay.media.loop;

import java.net.SocketAddress;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.codec.G722Decoder;
import dev.patchbay.media.dtmf.InbandDtmfDetector;
import dev.patchbay.media.dtmf.Rfc4733Receiver;
import dev.patchbay.media.dtmf.SameKeyFilter;
import dev.patchbay.media.jitter.JitterBuffer;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.record.CallRecorder;
import dev.patchbay.media.rtp.ReceptionStats;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.srtp.SrtpContext;
import dev.patchbay.proto.media.v1.DtmfSource;

/**
 * The receive path of one call, caller to bot, as {@link MediaPipeline} lists it: SRTP, parse, source
 * latch, reception stats, then RFC 4733 events or voice, decoded into the jitter buffer, whose frames
 * go to the recorder, the in-band detector, the tap and the bot. Also the bot's way back for marks.
 * Loop-owned; nothing allocates per packet.
 */
final class CallerReceive implements PlayoutQueue.MarkListener {

    /**
     * Opus's largest packet (RFC 6716, 1275 bytes); over 120 ms of G.711 or G.722 (one byte per 8 kHz
     * tick), beyond any ptime a carrier sends. Longer payloads are dropped.
     */
    private static final int MAX_PACKET_BYTES = 1275;
    /** Frames one wake-up may hand the bot: a second of audio after a stall, then the next wake-up. */
    private static final int MAX_FRAMES_PER_WAKE = 50;

    private final RtpPacket packet;
    private final ReceptionStats reception;
    private final Rfc4733Receiver rfc4733;
    private final SameKeyFilter sameKey;
    private final JitterBuffer jitter;
    private final RtpSender replies;
    private final MediaEvents events;
    private final NanoClock clock;
    private final short[] decoded = new short[2 * MAX_PACKET_BYTES];
    /** 20 ms at the call's rate, as the jitter buffer hands it out: 160 samples, or 320 for G.722. */
    private final short[] frame;
    private final short[] silence;

    private Negotiated codec;
    private boolean ulaw;
    /** The call's G.722 decoder; its state runs from packet to packet. Null on a G.711 call. */
    private G722Decoder g722;
    /** The call's Opus decoder and concealment, feeding the jitter buffer itself; null unless Opus. */
    private OpusReceive opus;
    private SrtpContext srtp;
    /** Listens for tones only when the caller cannot send RFC 4733 events. */
    private InbandDtmfDetector inband;
    private SocketAddress latchedSource;
    private long ssrc = -1;
    private boolean streaming;
    private int upSequence;
    private long upTimestamp;
    private long received, dropped, uplinkDropped, lastHeardNanos;

    // the frame's consumers after the jitter buffer, set as the call goes
    private CallRecorder recorder;
    private FrameTap tap;
    private AudioUplink uplink;

    CallerReceive(RtpPacket packet, ReceptionStats reception, Rfc4733Receiver rfc4733, SameKeyFilter sameKey,
                  JitterBuffer jitter, RtpSender replies, MediaEvents events, NanoClock clock) {
        this.packet = packet;
        this.reception = reception;
        this.rfc4733 = rfc4733;
        this.sameKey = sameKey;
        this.jitter = jitter;
        this.replies = replies;
        this.events = events;
        this.clock = clock;
        this.frame = new short[jitter.frameSamples()];
        this.silence = new short[frame.length];
    }

    /** Applies a negotiation: codec, the SRTP context for what the caller sends, and the in-band detector if any. */
    void configure(Negotiated next, SrtpContext in, InbandDtmfDetector detector) {
        codec = next;
        ulaw = next.audio().is("PCMU");
        if (!next.audio().is("G722")) {
            g722 = null;
        } else if (g722 == null) {
            g722 = new G722Decoder();
        }
        if (!next.audio().isOpus()) {
            opus = null;
            jitter.concealer(null);
        } else if (opus == null) {
            opus = new OpusReceive(jitter);
        }
        srtp = in;
        inband = detector;
    }

    InbandDtmfDetector inband() { return inband; }

    /** The media moved: latch again onto whoever sends first. */
    void unlatch() { latchedSource = null; }

    void heard(long nowNanos) { lastHeardNanos = nowNanos; }

    long lastHeardNanos() { return lastHeardNanos; }

    void record(CallRecorder to) { recorder = to; }

    CallRecorder recorder() { return recorder; }

    void tap(FrameTap to) { tap = to; }

    AudioUplink uplink() { return uplink; }

    void uplink(AudioUplink to) { uplink = to; }

    /** A packet that arrived while the call was not running. */
    void refused() { dropped++; }

    void packet(SocketAddress source, byte[] buf, int len, long nowNanos) {
        if (srtp != null) {
            len = srtp.unprotect(buf, 0, len); // forged, replayed or garbled packets stop here
            if (len < 0) {
                dropped++;
                return;
            }
        }
        if (packet.parse(buf, 0, len) != RtpPacket.ParseResult.OK) {
            dropped++;
            return;
        }
        // Symmetric RTP: lock onto the first source that sends valid RTP and answer there; later
        // packets from anywhere else are dropped, which also stops RTP bleed from a reused port.
        if (latchedSource == null) {
            latchedSource = source;
            replies.to(source);
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
            if (rfc4733.feed(packet.timestamp(), buf, packet.payloadOffset(), packet.payloadLength()).began()) {
                digit(rfc4733.digit(), 0, DtmfSource.RFC4733);
            }
        } else {
            dropped++;
        }
    }

    /** A digit from the media or from signalling: to the control-plane and the bot, once per key press. */
    void digit(char digit, int durationMs, DtmfSource source) {
        if (!sameKey.admit(digit, source, clock.nanos())) {
            return;
        }
        events.dtmf(digit, durationMs, source);
        if (uplink != null) {
            uplink.dtmf(digit, durationMs, source);
        }
    }

    private void decodeVoice(byte[] buf, int off, int len, long nowNanos) {
        if (len > MAX_PACKET_BYTES) {
            dropped++;
            return;
        }
        if (packet.ssrc() != ssrc) {
            if (ssrc >= 0) {
                jitter.reset(); // a new source (e.g. a re-INVITE to another gateway): a new timeline
                if (opus != null) {
                    opus.reset();
                }
            }
            ssrc = packet.ssrc();
        }
        if (opus != null) {
            opus.packet(packet.timestamp(), buf, off, len, nowNanos);
            frames(nowNanos);
            return;
        }
        int samples = len;
        if (g722 != null) {
            samples = g722.decode(buf, off, len, decoded, 0);
        } else if (ulaw) {
            G711.decodeUlaw(buf, off, len, decoded, 0);
        } else {
            G711.decodeAlaw(buf, off, len, decoded, 0);
        }
        jitter.put(packet.timestamp(), decoded, 0, samples, nowNanos);
        frames(nowNanos);
    }

    /** The 20 ms tick: frames now overdue, and the recording's clock before the caller's first word. */
    void tick(long nowNanos) {
        frames(nowNanos);
        if (recorder != null && !streaming) {
            recorder.caller(silence); // the caller's side of the recording keeps time before their first word
        }
    }

    /**
     * Every 20 ms frame that is complete or overdue, to the bot, from the first audio on, so the bot
     * sees an unbroken timeline.
     */
    private void frames(long nowNanos) {
        for (int i = 0; i < MAX_FRAMES_PER_WAKE; i++) {
            JitterBuffer.Pull pulled = jitter.next(frame, nowNanos);
            if (pulled == JitterBuffer.Pull.WAIT) {
                return;
            }
            streaming |= pulled != JitterBuffer.Pull.SILENCE;
            if (streaming) {
                deliver();
            }
        }
    }

    private void deliver() {
        if (recorder != null) {
            recorder.caller(frame);
        }
        if (inband != null) {
            char digit = inband.feed(frame, 0, frame.length);
            if (digit != 0) {
                digit(digit, 0, DtmfSource.INBAND);
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
        upTimestamp += JitterBuffer.FRAME; // in 8 kHz samples whatever the call's rate, as bots have always had it
    }

    /** The bot's mark has played out to the caller (or was cleared); the bot hears of it with its audio. */
    @Override
    public void markPlayed(String name, boolean cleared) {
        if (uplink != null) {
            uplink.markPlayed(name, cleared);
        }
    }

    long received() { return received; }

    long dropped() { return dropped; }

    long uplinkDropped() { return uplinkDropped; }

    JitterBuffer jitter() { return jitter; }

    /** The Opus stage, for its loss counters; null unless the call is on Opus. */
    OpusReceive opus() { return opus; }

    ReceptionStats reception() { return reception; }
}
