package dev.patchbay.media.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import dev.patchbay.media.codec.OpusVoiceEncoder;
import dev.patchbay.media.rtp.RtpHeaderWriter;
import dev.patchbay.media.rtp.RtpPortPool.RtpSocket;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.RtpFormat;
import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.media.testutil.Goertzel;
import dev.patchbay.media.testutil.OggOpus;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An Opus call's receive path fed a lossy RTP stream that FFmpeg's libopus made (an encoder
 * independent of concentus), at explicit times as its media loop would be: every lost frame reaches
 * the bot made up by Opus itself, by the next packet's FEC or by PLC, at 16 kHz, never as the jitter
 * buffer's fading repetition or silence. The loop is never started; the test is its thread.
 */
class OpusCallMediaTest {

    private static final long MS = 1_000_000L;
    private static final RtpFormat OPUS = new RtpFormat(111, "opus", 48000, "useinbandfec=1; maxplaybackrate=16000");
    /** Single losses, each followed by a packet in time (FEC), and a 100 ms burst (PLC, then FEC for its last). */
    private static final Set<Integer> LOST = Set.of(15, 35, 55, 60, 61, 62, 63, 64, 85);

    private long now;
    private final TreeMap<Integer, short[]> bot = new TreeMap<>();
    private DatagramChannel caller;
    private DatagramChannel rtp;
    private MediaLoop loop;
    private CallMedia media;

    private void start() throws IOException {
        caller = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        rtp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        rtp.configureBlocking(false);
        loop = new MediaLoop("test-loop", () -> now);
        Negotiated codec = new Negotiated(OPUS, null, "127.0.0.1", ((InetSocketAddress) caller.getLocalAddress()).getPort(),
                20, Direction.SENDRECV, null);
        media = MediaPipeline.build(loop, new RtpSocket(rtp, ((InetSocketAddress) rtp.getLocalAddress()).getPort()), codec,
                250, Duration.ofSeconds(30), 200, new MediaEvents() {
                    @Override public void dtmf(char digit, int durationMs, DtmfSource source) { }
                    @Override public void mediaFailed(String reason) { }
                    @Override public void mediaTimeout(String reason) { }
                });
        media.start();
        media.attach(new AudioUplink() {
            @Override public void attached() { }
            @Override public void callerFrame(short[] pcm, int sequence, long timestamp) {
                bot.put(sequence, pcm.clone());
            }
            @Override public void dtmf(char digit, int durationMs, DtmfSource source) { }
            @Override public void markPlayed(String name, boolean cleared) { }
            @Override public void ended(HangupCause cause, String reason) { }
        });
        loop.runPending();
    }

    @AfterEach
    void close() throws IOException {
        if (loop == null) {
            return; // the allocation test runs its call in a probe JVM
        }
        loop.close();
        rtp.close();
        caller.close();
    }

    private static byte[] rtp(byte[] payload, int k) {
        byte[] p = new byte[12 + payload.length];
        RtpHeaderWriter.write(p, 0, k == 0, 111, (1000 + k) & 0xFFFF, 0xFFFF_F000L + 960L * k, 0x0105); // wraps at k = 5
        System.arraycopy(payload, 0, p, 12, payload.length);
        return p;
    }

    /** Packets at k * 20 ms + 3 ms unless lost, the 20 ms tick at 7 ms past, until the end. */
    private void play(List<byte[]> packets) throws IOException {
        SocketAddress from = caller.getLocalAddress();
        for (int k = 0; k < packets.size(); k++) {
            if (!LOST.contains(k)) {
                now = k * 20 * MS + 3 * MS;
                byte[] p = rtp(packets.get(k), k);
                media.onPacket(from, p, p.length, now);
            }
            now = k * 20 * MS + 7 * MS;
            media.tick(now);
        }
    }

    @Test
    void lostFramesReachTheBotMadeUpByOpusFecAndPlcAt16kHz() throws Exception {
        Path dir = Files.createTempDirectory("opus-loss");
        // Speech-like enough to tell a real make-up from a repeat: a 1 kHz tone swept in level, and a steady 6 kHz one.
        List<byte[]> packets = OggOpus.encodeWithFfmpeg(dir,
                "aevalsrc=0.3*(0.6+0.4*sin(2*PI*3*t))*sin(2*PI*1000*t)+0.2*sin(2*PI*6000*t):s=16000:d=2");
        assertTrue(packets.size() >= 100, "2 s of 20 ms packets, and the encoder's tail");
        start();
        play(packets.subList(0, 100));

        assertEquals(100, bot.size(), "every frame reached the bot, lost ones made up, none skipped");
        assertEquals(99, (int) bot.lastKey());
        OpusReceive opus = media.opus();
        assertEquals(5, opus.fecFrames(), "each frame lost with the packet after it in time is made from that packet's FEC");
        assertEquals(4, opus.plcFrames(), "the burst: 60-62 by PLC as the jitter buffer gave up on them, 63 by PLC"
                + " when 65 came, 64 from 65's FEC");
        assertEquals(0, opus.corrupt());
        var stats = media.snapshot();
        loop.runPending();
        assertEquals(LOST.size(), stats.join().framesConcealed(), "the call's stats count every frame made up");
        for (int k : List.of(15, 35, 55, 85, 60)) {
            short[] frame = bot.get(k);
            assertEquals(320, frame.length, "20 ms at 16 kHz");
            double made = Goertzel.energy(frame);
            double before = Goertzel.energy(bot.get(k - 1));
            assertTrue(made > before / 2, "frame " + k + " keeps the level of the one before (" + made + " against "
                    + before + "); the jitter buffer's own repetition would halve it");
            assertTrue(Goertzel.power(frame, 6000, 16000) > Goertzel.power(bot.get(k - 1), 6000, 16000) / 8,
                    "frame " + k + " keeps the 6 kHz tone: concealment at 16 kHz");
        }
        // Opus's PLC fades a burst out by design, never to digital silence, and FEC brings the voice back.
        for (int k = 61; k <= 63; k++) {
            double e = Goertzel.energy(bot.get(k));
            assertTrue(e > 0 && e < Goertzel.energy(bot.get(k - 1)), "PLC frame " + k + " fades: " + e);
        }
        assertTrue(Goertzel.energy(bot.get(64)) > 100 * Goertzel.energy(bot.get(63)), "frame 64, from 65's FEC, is voice again");
    }

    @Test
    void aPacketReorderedBehindTheNextIsStoodInForByItsFecAndDropped() throws Exception {
        Path dir = Files.createTempDirectory("opus-reorder");
        List<byte[]> packets = OggOpus.encodeWithFfmpeg(dir, "aevalsrc=0.3*sin(2*PI*1000*t):s=16000:d=1");
        start();
        SocketAddress from = caller.getLocalAddress();
        for (int k = 0; k < packets.size(); k++) {
            int sent = k == 20 ? 21 : k == 21 ? 20 : k; // 21 arrives before 20
            now = k * 20 * MS + 3 * MS;
            byte[] p = rtp(packets.get(sent), sent);
            media.onPacket(from, p, p.length, now);
            now = k * 20 * MS + 7 * MS;
            media.tick(now);
        }
        OpusReceive opus = media.opus();
        assertEquals(1, opus.fecFrames());
        assertEquals(1, opus.late(), "packet 20 came after its place was made up");
        assertEquals(packets.size(), bot.size(), "the bot's timeline is whole");
    }

    /**
     * Both paths of an Opus call in steady state: decode into the jitter buffer and to the bot, encode the
     * bot's frame. Patchbay's stages around the codec allocate nothing; concentus 1.0.2 itself allocates
     * per call of encode and decode (about 75 KB per 20 ms at complexity 5), so the bound is what concentus
     * alone allocates for the same packets and frames, measured beside it.
     *
     * <p>Tagged {@code allocation}, so measured without escape analysis: with it, how much of concentus's
     * garbage the JIT scalar-replaces depends on where its methods were inlined, so the same frames differed
     * by up to 733 bytes between the call and concentus alone (CI failed twice). Without it every allocation
     * counts, in both alike, and a 20 ms frame copied by one of our stages (656 bytes) cannot hide.
     */
    @Tag("allocation")
    @Test
    void steadyStateAllocatesNothingPerPacketBeyondConcentusItself() throws Exception {
        long[] bytes = allocationBytes();
        long call = bytes[0];
        long codec = bytes[1];
        assertTrue(codec > 0, "concentus 1.0.2 allocates per packet; if this fails it stopped, and the bound below can be 0");
        long ours = (call - codec) / ALLOCATION_PACKETS;
        System.out.println("Opus allocation without escape analysis, per 20 ms: call " + call / ALLOCATION_PACKETS
                + " B, concentus alone " + codec / ALLOCATION_PACKETS + " B");
        assertTrue(ours < 64, "per 20 ms, the call allocated " + call / ALLOCATION_PACKETS + " bytes and concentus alone "
                + codec / ALLOCATION_PACKETS + ": Patchbay's stages added " + ours + " bytes per packet");
    }

    static final int ALLOCATION_PACKETS = 200; // four times the 50 packets cycled

    /** What the call and concentus alone allocate for the same {@value #ALLOCATION_PACKETS} packets and frames. */
    long[] allocationBytes() throws Exception {
        List<byte[]> packets = OggOpus.encodeWithFfmpeg(Files.createTempDirectory("opus-alloc"),
                "aevalsrc=0.3*sin(2*PI*1000*t):s=16000:d=1");
        start();
        byte[][] rtp = new byte[4000][];
        for (int k = 0; k < rtp.length; k++) {
            rtp[k] = rtp(packets.get(k % packets.size()), k);
        }
        media.attach(new AudioUplink() {
            @Override public void attached() { }
            @Override public void callerFrame(short[] pcm, int sequence, long timestamp) { }
            @Override public void dtmf(char digit, int durationMs, DtmfSource source) { }
            @Override public void markPlayed(String name, boolean cleared) { }
            @Override public void ended(HangupCause cause, String reason) { }
        });
        loop.runPending();
        byte[] botFrame = new byte[640];
        for (int i = 0; i < botFrame.length; i += 2) {
            short s = (short) (6000 * Math.sin(i * 0.3));
            botFrame[i] = (byte) s;
            botFrame[i + 1] = (byte) (s >> 8);
        }
        SocketAddress from = caller.getLocalAddress();
        int[] k = {0};
        long call = Allocations.measure(ALLOCATION_PACKETS, () -> {
            now = k[0] * 20 * MS;
            media.onPacket(from, rtp[k[0]], rtp[k[0]].length, now);
            media.playout().offer(botFrame, 0);
            media.send(now);
            media.tick(now + 7 * MS);
            k[0]++;
        });
        OpusDecoder decoder = new OpusDecoder(16000, 1);
        OpusVoiceEncoder encoder = new OpusVoiceEncoder(16000, 0, true);
        short[] pcm = new short[1920];
        short[] bot = new short[320];
        for (int i = 0; i < bot.length; i++) {
            bot[i] = (short) ((botFrame[2 * i] & 0xFF) | (botFrame[2 * i + 1] << 8));
        }
        byte[] out = new byte[160];
        int[] j = {0};
        long codec = Allocations.measure(ALLOCATION_PACKETS, () -> {
            try {
                decoder.decode(rtp[j[0]], 12, rtp[j[0]].length - 12, pcm, 0, pcm.length, false);
            } catch (OpusException e) {
                throw new AssertionError(e);
            }
            encoder.encode(bot, out, 0, out.length);
            j[0]++;
        });
        return new long[] {call, codec};
    }
}
