package dev.patchbay.media.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

import dev.patchbay.media.codec.G711;

/**
 * One call's recording: a stereo 16-bit WAV at the call's rate (8 kHz, or 16 kHz on a G.722 or Opus call),
 * the caller on the left and the bot (as played) on the right. The media loop hands over each side's 20 ms frames as they happen (caller audio as it
 * reaches the bot, bot audio as it is sent) into a preallocated ring, a side's n-th frame beside the
 * other's n-th; the {@link RecordingWriter} thread drains complete pairs to disk, so no file I/O ever
 * runs on the media loop. If the disk falls 2 s behind, frames are dropped and counted rather than
 * stalling the call.
 *
 * <p>The ring holds G.711 codes in the call's own law, half the memory of PCM16 (31 KB a call instead
 * of 62.5 KB, most of a call's heap): both sides were G.711 on the wire, so their samples come back
 * exactly; only concealment the jitter buffer made up is rounded to G.711, as the caller would hear it.
 * A 16 kHz recording holds PCM instead (125 KB a call): G.722 and Opus have no per-sample code to keep.
 */
public final class CallRecorder {

    static final int FRAME = 160;
    private static final int SLOTS = 100; // 2 s

    private final Path path;
    private final boolean ulaw;
    private final byte[][] ring;
    /** 16 kHz: the frames as interleaved PCM; null at 8 kHz. */
    private final short[][] wideRing;
    private final int rate;
    private final int frame;
    private final AtomicLong head = new AtomicLong();
    private volatile long tail;      // pairs complete on both sides
    private long callerAt, botAt;    // media loop: each side's next frame
    private volatile boolean finished;
    private final AtomicLong dropped = new AtomicLong();

    // writer-thread state
    private FileChannel file;
    private final ByteBuffer bytes;
    private long dataBytes;
    private boolean closed;

    /** {@code ulaw}: the call's codec is PCMU, else PCMA. */
    public CallRecorder(Path path, boolean ulaw) {
        this(path, ulaw, 8000);
    }

    private CallRecorder(Path path, boolean ulaw, int rate) {
        this.path = path;
        this.ulaw = ulaw;
        this.rate = rate;
        this.frame = rate / 50;
        this.ring = rate == 8000 ? new byte[SLOTS][2 * FRAME] : null;
        this.wideRing = rate == 8000 ? null : new short[SLOTS][2 * frame];
        this.bytes = ByteBuffer.allocate(4 * frame).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A 16 kHz recording, for a G.722 or Opus call: frames of 320 samples, the bot's as {@link #botPcm}. */
    public static CallRecorder wideband(Path path) {
        return new CallRecorder(path, false, 16000);
    }

    public Path path() {
        return path;
    }

    /** Media loop: the caller's next 20 ms of samples, as the bot got them (decoded, or concealed). */
    public void caller(short[] pcm) {
        if (wideRing != null) {
            callerAt = pcm(callerAt, pcm, 0);
            return;
        }
        byte[] slot = slot(callerAt);
        if (slot != null) {
            for (int i = 0; i < FRAME; i++) {
                slot[2 * i] = ulaw ? G711.linearToUlaw(pcm[i]) : G711.linearToAlaw(pcm[i]);
            }
            callerAt++;
        }
        tail = Math.min(callerAt, botAt);
    }

    /**
     * Media loop: the bot's next 160 G.711 codes as sent, from {@code codes[offset]}, in μ-law if
     * {@code ulawCodes}: copied as they are, and converted only if the call changed law since it began.
     */
    public void bot(byte[] codes, int offset, boolean ulawCodes) {
        byte[] slot = slot(botAt);
        if (slot != null) {
            for (int i = 0; i < FRAME; i++) {
                byte code = codes[offset + i];
                slot[2 * i + 1] = ulawCodes == ulaw ? code
                        : ulaw ? G711.linearToUlaw(G711.alawToLinear(code)) : G711.linearToAlaw(G711.ulawToLinear(code));
            }
            botAt++;
        }
        tail = Math.min(callerAt, botAt);
    }

    /** Media loop, 16 kHz recording: the bot's next 320 samples as sent. */
    public void botPcm(short[] pcm) {
        botAt = pcm(botAt, pcm, 1);
    }

    /** Writes a 16 kHz frame into {@code channel} of frame {@code at}'s slot; returns the side's next frame. */
    private long pcm(long at, short[] pcm, int channel) {
        if (at - head.get() >= SLOTS) {
            dropped.incrementAndGet();
        } else {
            short[] slot = wideRing[(int) (at % SLOTS)];
            for (int i = 0; i < frame; i++) {
                slot[2 * i + channel] = pcm[i];
            }
            at++;
        }
        tail = Math.min(channel == 0 ? at : callerAt, channel == 1 ? at : botAt);
        return at;
    }

    /** Media loop: a slot in which the caller heard no bot audio (a telephone-event, or a call we do not send to). */
    public void botSilence() {
        if (wideRing != null) {
            if (botAt - head.get() >= SLOTS) {
                dropped.incrementAndGet();
            } else {
                fill(botAt, 1);
                botAt++;
            }
            tail = Math.min(callerAt, botAt);
            return;
        }
        byte[] slot = slot(botAt);
        if (slot != null) {
            fill(slot, 1);
            botAt++;
        }
        tail = Math.min(callerAt, botAt);
    }

    /** The ring slot of frame {@code at}, or null (counted) when the writer is 2 s behind. */
    private byte[] slot(long at) {
        if (at - head.get() >= SLOTS) {
            dropped.incrementAndGet();
            return null;
        }
        return ring[(int) (at % SLOTS)];
    }

    private void fill(long at, int channel) {
        if (wideRing != null) {
            short[] slot = wideRing[(int) (at % SLOTS)];
            for (int i = 0; i < frame; i++) {
                slot[2 * i + channel] = 0;
            }
        } else {
            fill(ring[(int) (at % SLOTS)], channel);
        }
    }

    /** One side of a slot as silence; A-law has no zero, and its silence decodes to 8, as an A-law caller's does. */
    private void fill(byte[] slot, int channel) {
        byte silence = ulaw ? G711.ULAW_SILENCE : G711.ALAW_SILENCE;
        for (int i = 0; i < FRAME; i++) {
            slot[2 * i + channel] = silence;
        }
    }

    /** Media loop: the call is over; the writer finishes the file, the side that was behind padded with silence. */
    public void finish() {
        long from = Math.min(callerAt, botAt);
        long to = Math.max(callerAt, botAt);
        int channel = callerAt < botAt ? 0 : 1;
        for (long at = from; at < to; at++) {
            fill(at, channel);
        }
        tail = to;
        finished = true;
    }

    public long dropped() {
        return dropped.get();
    }

    /**
     * Writer thread: writes what is queued; returns true once the recording is complete and closed.
     */
    boolean drain() throws IOException {
        if (closed) {
            return true;
        }
        if (file == null) {
            Files.createDirectories(path.getParent());
            file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            file.write(header(0, rate));
        }
        boolean done = finished; // read before draining, so nothing offered before finish() is missed
        long h = head.get();
        long t = tail;
        for (; h < t; h++) {
            bytes.clear();
            if (wideRing != null) {
                for (short sample : wideRing[(int) (h % SLOTS)]) {
                    bytes.putShort(sample);
                }
            } else {
                for (byte code : ring[(int) (h % SLOTS)]) {
                    bytes.putShort(ulaw ? G711.ulawToLinear(code) : G711.alawToLinear(code));
                }
            }
            bytes.flip();
            while (bytes.hasRemaining()) {
                file.write(bytes);
            }
            dataBytes += 4 * frame;
            head.set(h + 1);
        }
        if (done) {
            file.write(header(dataBytes, rate), 0);
            file.close();
            closed = true;
        }
        return closed;
    }

    /** A 44-byte canonical WAV header for {@code data} bytes of 16-bit stereo PCM at {@code rate}. */
    static ByteBuffer header(long data, int rate) {
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + data))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 2).putInt(rate).putInt(rate * 4).putShort((short) 4).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) data);
        return h.flip();
    }
}
