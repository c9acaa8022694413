package dev.patchbay.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.codec.G722Decoder;
import dev.patchbay.media.codec.G722Encoder;
import dev.patchbay.media.codec.OpusVoiceEncoder;
import dev.patchbay.media.dtmf.InbandDtmfDetector;
import dev.patchbay.media.jitter.JitterBuffer;
import dev.patchbay.media.resample.Downsampler;
import dev.patchbay.media.resample.Upsampler;
import dev.patchbay.media.rtp.RtpHeaderWriter;
import dev.patchbay.media.rtp.RtpPacket;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.CallerToBot;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-frame work of one call, stage by stage: each benchmark is one 20 ms frame (160 samples)
 * through one stage. {@link #reference} is the yardstick run alongside: copying and summing the same
 * frame, so results can be read as ratios on a noisy shared machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MediaPathBenchmarks {

    private final byte[] ulaw = new byte[160];
    private final short[] pcm = new short[160];
    private final short[] out = new short[160];
    private final short[] wide = new short[320];
    private final byte[] upBytes = new byte[160];
    private final byte[] packetBytes = new byte[172];
    private final RtpPacket packet = new RtpPacket();
    private final JitterBuffer jitter = new JitterBuffer(200);
    private final InbandDtmfDetector detector = new InbandDtmfDetector();
    private final Upsampler upsampler = new Upsampler();
    private final Downsampler downsampler = new Downsampler();
    private final G722Encoder g722Encoder = new G722Encoder();
    private final G722Decoder g722Decoder = new G722Decoder();
    private final short[] wideIn = new short[320];
    private final byte[] g722 = new byte[160];
    /** A second of 16 kHz speech-like audio (a tone swept in level over a steady high one), 50 frames. */
    private final short[][] speech = new short[50][320];
    private final byte[][] opusPackets = new byte[50][];
    private final byte[] opusOut = new byte[160];
    private final short[] opusPcm = new short[1920];
    private OpusVoiceEncoder opusEncoder;
    private OpusDecoder opusDecoder;
    private int opusFrame;
    private long tick;

    @Setup
    public void setUp() {
        for (int i = 0; i < 160; i++) {
            pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000));
            ulaw[i] = G711.linearToUlaw(pcm[i]);
        }
        for (int i = 0; i < 320; i++) {
            wideIn[i] = (short) (6000 * Math.sin(2 * Math.PI * 440 * i / 16000) + 3000 * Math.sin(2 * Math.PI * 5000 * i / 16000));
        }
        g722Encoder.encode(wideIn, 0, 320, g722, 0);
        // As an Opus call runs it: the caller's packets carry FEC, ours are set as OpusReceive and CallerPlayout set them.
        OpusVoiceEncoder setup = new OpusVoiceEncoder(48000, 0, true);
        for (int f = 0; f < speech.length; f++) {
            for (int i = 0; i < 320; i++) {
                double t = (f * 320 + i) / 16000.0;
                speech[f][i] = (short) (9000 * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)) * Math.sin(2 * Math.PI * 220 * t)
                        + 2000 * Math.sin(2 * Math.PI * 3100 * t));
            }
            opusPackets[f] = Arrays.copyOf(opusOut, setup.encode(speech[f], opusOut, 0, opusOut.length));
        }
        opusEncoder = new OpusVoiceEncoder(48000, 0, true);
        try {
            opusDecoder = new OpusDecoder(16000, 1);
        } catch (OpusException e) {
            throw new IllegalStateException(e);
        }
        RtpHeaderWriter.write(packetBytes, 0, false, 0, 1, 160, 0x1234);
        System.arraycopy(ulaw, 0, packetBytes, 12, 160);
    }

    /** The yardstick: copy a frame and sum it. */
    @Benchmark
    public long reference() {
        System.arraycopy(pcm, 0, out, 0, 160);
        long sum = 0;
        for (short s : out) {
            sum += s;
        }
        return sum;
    }

    @Benchmark
    public short[] g711DecodeFrame() {
        G711.decodeUlaw(ulaw, 0, 160, out, 0);
        return out;
    }

    /** G.722 at 64 kbit/s: 20 ms is 320 samples at 16 kHz, coded in 160 bytes (the call's state carries on). */
    @Benchmark
    public byte[] g722EncodeFrame() {
        g722Encoder.encode(wideIn, 0, 320, g722, 0);
        return g722;
    }

    @Benchmark
    public short[] g722DecodeFrame() {
        g722Decoder.decode(g722, 0, 160, wide, 0);
        return wide;
    }

    /** Opus (concentus 1.0.2) as a call sends it: 20 ms at 16 kHz, 24 kbit/s, complexity 5, FEC on. */
    @Benchmark
    public int opusEncodeFrame() {
        return opusEncoder.encode(speech[opusFrame++ % speech.length], opusOut, 0, opusOut.length);
    }

    /** Opus as a call receives it: one 20 ms packet decoded at 16 kHz. */
    @Benchmark
    public int opusDecodeFrame() throws OpusException {
        byte[] p = opusPackets[opusFrame++ % opusPackets.length];
        return opusDecoder.decode(p, 0, p.length, opusPcm, 0, opusPcm.length, false);
    }

    @Benchmark
    public byte[] g711EncodeFrame() {
        G711.encodeUlaw(pcm, 0, 160, upBytes, 0);
        return upBytes;
    }

    @Benchmark
    public int rtpParse() {
        packet.parse(packetBytes, 0, packetBytes.length);
        return packet.payloadLength();
    }

    /**
     * One packet in at a steady 20 ms and its frame out, as the call's receive path runs it: next()
     * until it waits.
     */
    @Benchmark
    public JitterBuffer.Pull jitterPutAndNext() {
        long t = tick++;
        long now = t * 20_000_000L;
        jitter.put((t * 160) & 0xFFFF_FFFFL, pcm, 0, 160, now);
        JitterBuffer.Pull first = jitter.next(out, now);
        jitter.next(out, now);
        return first;
    }

    /** In-band DTMF detection on 20 ms of speech-band audio (four 5 ms decisions). */
    @Benchmark
    public char goertzelFrame() {
        return detector.feed(pcm, 0, 160);
    }

    @Benchmark
    public short[] upsampleFrame() {
        upsampler.process(pcm, 0, 160, wide, 0);
        return wide;
    }

    @Benchmark
    public short downsampleFrame() {
        short last = 0;
        for (short s : wide) {
            if (downsampler.push(s)) {
                last = downsampler.output();
            }
        }
        return last;
    }

    /** What the gRPC boundary costs per frame: building and serialising one CallerToBot audio message. */
    @Benchmark
    public byte[] protoFrameToBot() {
        return CallerToBot.newBuilder().setAudio(AudioFrame.newBuilder().setPayload(ByteString.copyFrom(ulaw))
                .setSequence((int) tick).setTimestamp(tick * 160).setFormat(AudioFormat.PCMU)).build().toByteArray();
    }
}
