package dev.patchbay.media.loop;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.codec.OpusVoiceEncoder;
import dev.patchbay.media.codec.WidebandVoice;
import dev.patchbay.media.dtmf.Rfc4733Sender;
import java.util.Arrays;

import dev.patchbay.media.playout.BacklogTrimmer;
import dev.patchbay.media.playout.EarlyAudio;
import dev.patchbay.media.playout.PlayoutClock;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.record.CallRecorder;
import dev.patchbay.media.rtp.RtpHeaderWriter;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.OpusParams;

/**
 * What the caller hears, one RTP packet per 20 ms slot of the {@link PlayoutClock}: the bot's next
 * queued frame, silence when the bot has nothing, or a telephone-event in place of either while a
 * digit plays. Loop-owned, except for the {@link PlayoutQueue}'s producers.
 */
final class CallerPlayout {

    private final PlayoutQueue queue;
    private final PlayoutQueue.MarkListener marks;
    private final RtpSender sender;
    private final BacklogTrimmer backlog;
    private final PlayoutClock slots;
    private final NanoClock clock;
    private boolean queueWasEmpty = true;
    private final InbandDtmfOut inbandDtmf;
    private Rfc4733Sender dtmfOut;
    private Negotiated codec;
    private boolean ulaw;
    /** A G.722 or Opus call's 16 kHz send side; null on a G.711 call. */
    private WidebandVoice wide;
    private boolean sends;
    private CallRecorder recorder;
    /** Ringback or a clip in place of silence until the answer or the bot's first frame; else null. */
    private EarlyAudio early;

    /**
     * The send stages in {@link MediaPipeline}'s order; see there.
     *
     * @param clock read right after each packet leaves: a send the loop was descheduled before counts
     *              at its real time, so a packet that left a whole slot late restarts the grid
     */
    CallerPlayout(PlayoutQueue queue, PlayoutQueue.MarkListener marks, PlayoutClock slots, InbandDtmfOut inbandDtmf,
                  BacklogTrimmer backlog, RtpSender sender, Negotiated codec, NanoClock clock) {
        this.queue = queue;
        this.marks = marks;
        this.slots = slots;
        this.inbandDtmf = inbandDtmf;
        this.backlog = backlog;
        this.sender = sender;
        this.clock = clock;
        configure(codec);
    }

    /** Applies a negotiation: codec, direction, and whether the caller takes telephone-events. */
    void configure(Negotiated next) {
        if (codec == null || (codec.telephoneEvent() == null) != (next.telephoneEvent() == null)) {
            dtmfOut = MediaPipeline.rfc4733Out(next);
        }
        codec = next;
        ulaw = next.audio().is("PCMU");
        if (next.wideband() && wide == null) {
            wide = wideband(next);
        }
        sends = next.direction() == Direction.SENDRECV || next.direction() == Direction.SENDONLY;
    }

    /** Bot frames the backlog trimmer dropped so far. */
    long trimmed() {
        return backlog.trimmed();
    }

    RtpSender sender() {
        return sender;
    }

    Rfc4733Sender dtmfOut() {
        return dtmfOut;
    }

    InbandDtmfOut inbandDtmf() {
        return inbandDtmf;
    }

    void record(CallRecorder to) {
        recorder = to;
    }

    /** Plays {@code audio} where silence would go, until the bot's first frame; null stops it. */
    void early(EarlyAudio audio) {
        early = audio;
    }

    /**
     * Sends the packet that is due now, if one is: called when bot audio lands in an empty queue and
     * whenever {@link #wakeAt} comes.
     */
    void service(long now) {
        queue.applyClear(marks);
        boolean queued = queue.queuedFrames() > 0;
        if (queued && queueWasEmpty) {
            slots.voiceArrived(now);
        }
        PlayoutClock.Slot due = slots.due(now, queued);
        if (due != PlayoutClock.Slot.WAIT) {
            slot();
            slots.sent(due, Math.max(now, clock.nanos()));
            backlog.tick(queue);
        }
        queueWasEmpty = queue.queuedFrames() == 0;
        queue.reportDueMarks(marks);
    }

    /** When {@link #service} next has a packet to send, unless bot audio arrives first. */
    long wakeAt(long now) {
        return slots.wakeAt(now, queue.queuedFrames() > 0);
    }

    /** One packet: a telephone-event if a digit is playing, else the bot's next frame or silence. */
    private void slot() {
        Rfc4733Sender.Tick digit = dtmfOut == null ? Rfc4733Sender.Tick.VOICE : dtmfOut.tick(sender.timestamp());
        if (digit == Rfc4733Sender.Tick.VOICE) {
            sendVoice();
        } else {
            // A telephone-event replaces voice for this slot; the bot's queued audio waits for the digit.
            sender.event(dtmfOut, codec.telephoneEvent().payloadType(), digit == Rfc4733Sender.Tick.EVENT_REPEAT, sends);
            if (recorder != null) {
                recorder.botSilence();
            }
        }
        sender.advance();
    }

    /**
     * Sends an in-band digit's tone or pause if one is playing (the bot's audio waits), else the
     * bot's next frame, else the early audio (ringback) or silence.
     */
    private void sendVoice() {
        if (wide != null) {
            sendWideband();
            return;
        }
        byte[] packet = sender.buffer();
        if (inbandDtmf.apply(packet, RtpHeaderWriter.HEADER_BYTES, ulaw)) {
            // an in-band digit's tone or pause: the bot's audio waits for it
        } else if (queue.poll(packet, RtpHeaderWriter.HEADER_BYTES)) {
            early = null; // the bot speaks: the ringback is over for good
        } else if (early != null) {
            early.next(packet, RtpHeaderWriter.HEADER_BYTES);
        } else {
            Arrays.fill(packet, RtpHeaderWriter.HEADER_BYTES, RtpSender.VOICE_PACKET, ulaw ? G711.ULAW_SILENCE : G711.ALAW_SILENCE);
        }
        if (recorder != null && sends) {
            recorder.bot(packet, RtpHeaderWriter.HEADER_BYTES, ulaw); // before sending, which may encrypt in place
        } else if (recorder != null) {
            recorder.botSilence();
        }
        sender.voice(codec.audio().payloadType(), sends);
    }

    /** {@link #sendVoice} on a G.722 or Opus call: the same sources in the same order, at 16 kHz, then encoded. */
    private void sendWideband() {
        // Ringback and in-band digits are made as G.711 codes in the law the call's early audio uses.
        if (inbandDtmf.apply(wide.codes(), 0, ulaw)) {
            wide.fromG711(ulaw);
        } else if (queue.poll(wide.l16(), 0)) {
            early = null;
            wide.fromL16();
        } else if (early != null) {
            early.next(wide.codes(), 0);
            wide.fromG711(ulaw);
        } else {
            wide.silence();
        }
        int bytes = wide.encode(sender.buffer(), RtpHeaderWriter.HEADER_BYTES, RtpSender.VOICE_BYTES);
        if (recorder != null && sends) {
            recorder.botPcm(wide.pcm());
        } else if (recorder != null) {
            recorder.botSilence();
        }
        sender.voice(codec.audio().payloadType(), bytes, sends);
    }

    /** The send side of a 16 kHz call: G.722, or Opus set from what the caller's fmtp asks of a sender. */
    private static WidebandVoice wideband(Negotiated n) {
        if (!n.audio().isOpus()) {
            return WidebandVoice.g722();
        }
        OpusParams asked = OpusParams.parse(n.audio().fmtp());
        return new WidebandVoice(new OpusVoiceEncoder(asked.maxPlaybackRate(), asked.maxAverageBitrate(), asked.inbandFec()));
    }
}
