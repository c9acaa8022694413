package dev.patchbay.media.loop;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.dtmf.Rfc4733Sender;
import dev.patchbay.media.playout.BacklogTrimmer;
import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.playout.SendPacer;
import dev.patchbay.media.record.CallRecorder;
import dev.patchbay.media.rtp.RtpHeaderWriter;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;

/**
 * What the caller hears, one RTP packet per slot: the bot's queued frames, each sent the moment it
 * arrives when the {@link SendPacer} allows; silence when the bot has nothing; telephone-events in
 * place of voice while a digit plays. Loop-owned, except for the {@link PlayoutQueue}'s producers.
 */
final class CallerPlayout {

    private final PlayoutQueue queue;
    private final PlayoutQueue.MarkListener marks;
    private final RtpSender sender;
    /** Floor 0: frames go out as they arrive, so one still queued at every tick for a second is delay. */
    private final BacklogTrimmer backlog = new BacklogTrimmer(50, 0);
    private final SendPacer pacer = new SendPacer();
    private Rfc4733Sender dtmfOut;
    private Negotiated codec;
    private boolean ulaw;
    private boolean sends;
    private CallRecorder recorder;
    /** Ringback or a clip in place of silence until the answer or the bot's first frame; else null. */
    private dev.patchbay.media.playout.EarlyAudio early;

    CallerPlayout(PlayoutQueue queue, RtpSender sender, Negotiated codec, PlayoutQueue.MarkListener marks) {
        this.queue = queue;
        this.sender = sender;
        this.marks = marks;
        configure(codec);
    }

    /** Applies a negotiation: codec, direction, and whether the caller takes telephone-events. */
    void configure(Negotiated next) {
        if (codec == null || (codec.telephoneEvent() == null) != (next.telephoneEvent() == null)) {
            dtmfOut = next.telephoneEvent() == null ? null : new Rfc4733Sender();
        }
        codec = next;
        ulaw = next.audio().is("PCMU");
        sends = next.direction() == Direction.SENDRECV || next.direction() == Direction.SENDONLY;
    }

    RtpSender sender() {
        return sender;
    }

    Rfc4733Sender dtmfOut() {
        return dtmfOut;
    }

    void record(CallRecorder to) {
        recorder = to;
    }

    /** Plays {@code audio} where silence would go, until the bot's first frame; null stops it. */
    void early(dev.patchbay.media.playout.EarlyAudio audio) {
        early = audio;
    }

    /**
     * Bot audio landed in an empty queue: send what the pacing allows now (the frames that arrive
     * together after a stall all go, since the credit has grown); a digit in play keeps its slots.
     */
    void arrived(long now) {
        queue.applyClear(marks);
        if (dtmfOut == null || !dtmfOut.busy()) {
            sendQueued(now);
        }
        queue.reportDueMarks(marks);
    }

    /** Every 20 ms: frames still waiting for credit, or a filler when the stream would otherwise stall. */
    void tick(long now) {
        queue.applyClear(marks);
        int trimmed = backlog.tick(queue);
        if (trimmed > 0) {
            pacer.skipped(trimmed);
        }
        if (queue.queuedFrames() > 0 && pacer.voiceDue(now)) {
            sendQueued(now);
        } else if (pacer.fillerDue(now)) {
            slot(now);
        }
        queue.reportDueMarks(marks);
    }

    /** Sends queued frames while there is credit: at most four, as the credit is capped at four slots. */
    private void sendQueued(long now) {
        while (queue.queuedFrames() > 0 && pacer.voiceDue(now)) {
            slot(now);
        }
    }

    /** One packet: a telephone-event if a digit is playing, else the bot's next frame or silence. */
    private void slot(long now) {
        Rfc4733Sender.Tick digit = dtmfOut == null ? Rfc4733Sender.Tick.VOICE : dtmfOut.tick(sender.timestamp());
        boolean voiced = false;
        if (digit == Rfc4733Sender.Tick.VOICE) {
            voiced = sendVoice();
        } else {
            // A telephone-event replaces voice for this slot; the bot's queued audio waits for the digit.
            sender.event(dtmfOut, codec.telephoneEvent().payloadType(), digit == Rfc4733Sender.Tick.EVENT_REPEAT, sends);
            if (recorder != null) {
                recorder.botSilence();
            }
        }
        sender.advance();
        pacer.sent(now, voiced);
    }

    /** Sends the bot's next frame, or silence; true if it was the bot's. */
    private boolean sendVoice() {
        byte[] packet = sender.buffer();
        boolean voiced = queue.poll(packet, RtpHeaderWriter.HEADER_BYTES);
        if (voiced) {
            early = null; // the bot speaks: the ringback is over for good
        } else if (early != null) {
            early.next(packet, RtpHeaderWriter.HEADER_BYTES);
        } else {
            java.util.Arrays.fill(packet, RtpHeaderWriter.HEADER_BYTES, RtpSender.VOICE_PACKET, ulaw ? G711.ULAW_SILENCE : G711.ALAW_SILENCE);
        }
        if (recorder != null && sends) {
            recorder.bot(packet, RtpHeaderWriter.HEADER_BYTES, ulaw); // before sending, which may encrypt in place
        } else if (recorder != null) {
            recorder.botSilence();
        }
        sender.voice(codec.audio().payloadType(), sends);
        return voiced;
    }
}
