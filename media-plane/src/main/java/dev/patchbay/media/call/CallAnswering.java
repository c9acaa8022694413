package dev.patchbay.media.call;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import dev.patchbay.media.loop.CallMedia;
import dev.patchbay.media.loop.MediaLoop;
import dev.patchbay.media.loop.MediaPipeline;
import dev.patchbay.media.playout.EarlyAudio;
import dev.patchbay.media.record.CallRecorder;
import dev.patchbay.media.record.RecordingWriter;
import dev.patchbay.media.rtp.RtpPortPool;
import dev.patchbay.media.sdp.AnswerWriter;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.proto.media.v1.CallAnswered;
import dev.patchbay.proto.media.v1.Codec;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.EarlyMedia;
import dev.patchbay.proto.media.v1.HangupCause;

/**
 * How a call gets its media: ringing with early media, the answer (with an offer, or continuing the
 * early media), a late offer's answer in the ACK, and an outbound call's answer. Each starts the
 * call's {@link CallMedia} on the next loop, recording if asked, and reports the answer; a call that
 * ended meanwhile gets its port back. Part of {@link CallManager}, which owns the calls' ends.
 */
final class CallAnswering {

    private static final Logger LOG = Logger.getLogger(CallAnswering.class.getName());

    private final CallManager manager;
    private final RtpPortPool ports;
    private final List<MediaLoop> loops;
    private final CallTimers timers;
    private final CallPolicy policy;
    private final RecordingWriter recordings;
    private final AtomicInteger nextLoop = new AtomicInteger();

    CallAnswering(CallManager manager, RtpPortPool ports, List<MediaLoop> loops, CallTimers timers, CallPolicy policy,
                  RecordingWriter recordings) {
        this.manager = manager;
        this.ports = ports;
        this.loops = loops;
        this.timers = timers;
        this.policy = policy;
        this.recordings = recordings;
    }

    /** The far end answered with {@code answer}; ACK has been sent, so the call is confirmed at once. */
    void outboundAnswered(Call call, Negotiated answer) {
        CallState before = call.state();
        RtpPortPool.RtpSocket socket = call.takeReserved();
        if (socket == null || !(before instanceof CallState.Offered || before instanceof CallState.Ringing)
                || !call.transition(before.getClass(), new CallState.Confirmed())) {
            if (socket != null) {
                ports.release(socket);
            }
            return;
        }
        call.negotiated(answer);
        CallMedia media = media(call, socket, answer, call.outboundOptions().record());
        call.media(media);
        int limit = call.outboundOptions().maxDurationSeconds();
        if (limit > 0) { // the timer slot is free: an outbound call is confirmed at once and waits for no ACK
            timers.maxDuration(call, limit);
        }
        media.start();
        answeredEvent(call, answer);
        call.answeredNow();
    }

    /** The media of a call being answered, on the next loop, recording from the start if asked. */
    private CallMedia media(Call call, RtpPortPool.RtpSocket socket, Negotiated n, boolean record) {
        MediaLoop loop = loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
        CallMedia media = MediaPipeline.build(loop, socket, n, policy.playoutFrames(), policy.rtpTimeout(), policy.jitterMaxMs(),
                new CallMediaEvents(manager, manager.control(), call));
        if (record) {
            recordFromNow(call, media);
        }
        return media;
    }

    private void recordFromNow(Call call, CallMedia media) {
        Path path = policy.recordings().resolve(call.id() + ".wav");
        CallRecorder recorder = call.negotiated().wideband() ? CallRecorder.wideband(path)
                : new CallRecorder(path, !call.negotiated().audio().is("PCMA"));
        recordings.add(recorder);
        media.record(recorder);
        call.recording(recorder.path().toString());
    }

    private void answeredEvent(Call call, Negotiated n) {
        manager.tally().answered(call.nanosSinceCreated(), call.outbound());
        manager.control().event(call, ControlEvent.newBuilder().setAnswered(CallAnswered.newBuilder()
                .setCodec(Codec.newBuilder().setName(n.audio().encoding()).setPayloadType(n.audio().payloadType())
                        .setClockRate(n.audio().clockRate())).setPtimeMs(n.callerPtimeMs())));
    }

    /**
     * 183 Session Progress with the SDP answer, and the call's media started now, playing ringback
     * or a clip until the answer reuses both. Without a free RTP port, or without an offer to answer
     * yet (an INVITE without SDP, whose offer would have to go in the 183 and its answer come in the
     * PRACK), the call rings with 180 instead.
     */
    void ringWithEarlyMedia(Call call, EarlyMedia early) {
        if (!(call.state() instanceof CallState.Offered)) {
            return;
        }
        Optional<RtpPortPool.RtpSocket> socket = call.negotiated() == null ? Optional.empty() : ports.allocate();
        if (socket.isEmpty()) {
            LOG.warning(() -> "call " + call.id() + ": " + (call.negotiated() == null ? "no SDP offer to answer"
                    : "no RTP port") + " for early media; ringing with 180");
            if (call.transition(CallState.Offered.class, new CallState.Ringing())) {
                manager.signalling().ring(call);
                timers.ring(call);
            }
            return;
        }
        CallMedia media = media(call, socket.get(), call.negotiated(), false);
        long session = System.currentTimeMillis();
        String sdp = AnswerWriter.write(call.negotiated(), call.localAddress(), media.localPort(), session, session);
        call.earlyMedia(media, sdp); // before the transition, so an end() racing it stops this media
        if (!call.transition(CallState.Offered.class, new CallState.Ringing())) {
            media.stop(HangupCause.CALLER_CANCEL, "the call ended before it rang", ports::release);
            return;
        }
        media.playEarly(EarlyAudio.of(EarlySounds.of(early, call), media.ulaw()));
        media.start();
        manager.signalling().progress(call, sdp);
        timers.ring(call);
    }

    void answer(Call call, boolean record) {
        CallState before = call.state();
        if (!(before instanceof CallState.Offered || before instanceof CallState.Ringing)) {
            return;
        }
        CallMedia early = call.media(); // set only by early media: the answer continues its stream
        CallMedia media;
        if (early != null) {
            media = early;
            if (record) {
                recordFromNow(call, media);
            }
        } else {
            Optional<RtpPortPool.RtpSocket> socket = ports.allocate();
            if (socket.isEmpty()) {
                manager.end(call, HangupCause.ERROR, 503, "all RTP ports are in use");
                return;
            }
            if (call.negotiated() == null) { // late offer (early media rings with a plain 180 then)
                answerWithOffer(call, before, socket.get(), record);
                return;
            }
            media = media(call, socket.get(), call.negotiated(), record);
        }
        call.media(media);
        if (!call.transition(before.getClass(), new CallState.Answered())) {
            // Ended meanwhile, e.g. CANCEL crossed the decision. stop() is idempotent, so this is
            // safe whether or not end() saw the media.
            media.stop(HangupCause.CALLER_CANCEL, "the call ended before it was answered", ports::release);
            return;
        }
        // Armed before the 200 OK leaves, for the reason offer() arms its timer first: the ACK can be
        // handled on another thread before this one runs again, and a timer set after it would hang
        // up a confirmed call. The state check is the second guard.
        timers.ack(call);
        long session = System.currentTimeMillis();
        manager.signalling().answer(call, early != null ? call.earlyAnswer()
                : AnswerWriter.write(call.negotiated(), call.localAddress(), media.localPort(), session, session));
        if (early == null) {
            media.start();
        } else {
            media.answered();
        }
        answeredEvent(call, call.negotiated());
    }

    /**
     * Late offer: the INVITE had no SDP, so the 200 OK offers RTP on the socket reserved here, and
     * the media starts only when the ACK's answer settles the codec and address ({@link #lateAnswered}).
     */
    private void answerWithOffer(Call call, CallState before, RtpPortPool.RtpSocket socket, boolean record) {
        call.reserve(socket);
        call.recordOnAnswer(record);
        if (!call.transition(before.getClass(), new CallState.Answered())) {
            RtpPortPool.RtpSocket unused = call.takeReserved(); // null when end() has already given it back
            if (unused != null) {
                ports.release(unused);
            }
            return;
        }
        timers.ack(call); // armed before the 200 OK leaves, as in answer()
        manager.signalling().answerWithOffer(call, socket.port());
    }

    /** The ACK of a late-offer call carried an acceptable answer: the call is confirmed and its media starts. */
    void lateAnswered(Call call, Negotiated answer) {
        RtpPortPool.RtpSocket socket = call.takeReserved();
        if (socket == null) {
            return; // ended meanwhile; end() gave the socket back
        }
        call.negotiated(answer);
        CallMedia media = media(call, socket, answer, call.recordOnAnswer());
        call.media(media);
        if (!call.transition(CallState.Answered.class, new CallState.Confirmed())) {
            // Ended between the two steps above; stop() is idempotent whether or not end() saw the media.
            media.stop(HangupCause.ERROR, "the call ended as its answer arrived", ports::release);
            return;
        }
        call.timer(null);
        media.start();
        answeredEvent(call, answer);
    }
}
