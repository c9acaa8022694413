package dev.patchbay.agents.ai;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.logging.Logger;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;

/**
 * Plays synthesized speech into a live call through the media-plane's Play RPC. espeak-ng writes
 * 22.05 kHz; the JDK's sound API resamples to 16 kHz, which the media-plane takes. The media-plane
 * queues at most a few seconds of audio, so a long clip goes in slices, each sent shortly before
 * the previous one runs out, from a virtual thread: the request does not wait for the speech.
 */
public final class MediaPlanePlayer implements LivePlayer {

    private static final Logger LOG = Logger.getLogger(MediaPlanePlayer.class.getName());
    private static final int RATE = 16_000;
    private static final int SLICE_MS = 4_000;
    private static final int LEAD_MS = 500;

    private final CallStore calls;
    private final CallActions actions;

    public MediaPlanePlayer(CallStore calls, CallActions actions) {
        this.calls = calls;
        this.actions = actions;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public long play(String callId, byte[] wav) {
        CallRecord call = calls.find(callId).orElseThrow(() -> ProblemException.notFound("there is no call " + callId,
                "call_id"));
        byte[] pcm = resample(wav);
        int sliceBytes = RATE * 2 * SLICE_MS / 1000;
        long totalMs = pcm.length / 2L * 1000 / RATE;
        // The first slice is played now, so a call that cannot take audio fails the request itself.
        play(call, pcm, 0, Math.min(sliceBytes, pcm.length));
        if (pcm.length > sliceBytes) {
            Thread.ofVirtual().name("play-" + callId).start(() -> {
                try {
                    for (int from = sliceBytes; from < pcm.length; from += sliceBytes) {
                        Thread.sleep(SLICE_MS - LEAD_MS);
                        play(calls.find(callId).orElse(call), pcm, from, Math.min(from + sliceBytes, pcm.length));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.info(() -> "call " + callId + ": the rest of the speech was not played: " + e.getMessage());
                }
            });
        }
        return totalMs;
    }

    private void play(CallRecord call, byte[] pcm, int from, int to) {
        try {
            actions.play(call, wav(pcm, from, to));
        } catch (CallActions.Refused e) {
            throw ProblemException.of(e.httpStatus(), e.getMessage(), new FieldError("call_id", e.getMessage()));
        }
    }

    /** 16 kHz mono PCM16 little-endian samples of a WAV file, whatever its PCM rate. */
    static byte[] resample(byte[] wav) {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav));
             AudioInputStream out = AudioSystem.getAudioInputStream(new AudioFormat(RATE, 16, 1, true, false), in)) {
            return out.readAllBytes();
        } catch (UnsupportedAudioFileException | IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the synthesized clip could not be resampled to 16 kHz: " + e.getMessage(), e);
        }
    }

    /** A canonical 44-byte-header WAV of {@code pcm[from, to)}. */
    static byte[] wav(byte[] pcm, int from, int to) {
        int n = to - from;
        ByteBuffer b = ByteBuffer.allocate(44 + n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + n)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(RATE).putInt(RATE * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(n).put(pcm, from, n);
        return b.array();
    }
}
