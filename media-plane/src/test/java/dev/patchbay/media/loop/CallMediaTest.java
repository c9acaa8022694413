package dev.patchbay.media.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.rtp.RtpHeaderWriter;
import dev.patchbay.media.rtp.RtpPortPool.RtpSocket;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.RtpFormat;
import dev.patchbay.media.testutil.Allocations;
import dev.patchbay.proto.media.v1.DtmfSource;
import dev.patchbay.proto.media.v1.HangupCause;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One call's media, both paths, replayed at explicit times as its media loop would drive it: caller
 * packets arrive at given times, the 20 ms tick runs at a phase of its own, and the call sends
 * whenever it asks to be woken. The loop is never started: the test is its thread, and the clock is
 * the test's {@code now}. The bot is a recording uplink; the caller is a real socket on loopback,
 * and each packet it gets is stamped with the time the call sent it.
 */
class CallMediaTest {

    private static final long MS = 1_000_000L;
    private static final long TICK_PHASE = 7 * MS;
    private static final RtpFormat PCMU = new RtpFormat(0, "PCMU", 8000, "");
    private static final RtpFormat EVENTS = new RtpFormat(101, "telephone-event", 8000, "0-15");
    private static final int CALLER_SSRC = 0x4242;

    /** What the bot got, and when. */
    private record ToBot(long at, String what, int sequence, short sample) { }

    /** A packet the caller got: when the call sent it, its payload type, and its first payload byte. */
    private record ToCaller(long at, int payloadType, byte first) { }

    private record Arrival(long at, byte[] packet) { }

    private long now;
    private long nextTick = TICK_PHASE;
    private long serviced = -1;
    private long sentSoFar;
    private final List<Long> sendTimes = new ArrayList<>();
    private final PriorityQueue<Arrival> pending = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
    private final List<ToBot> bot = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private DatagramChannel caller;
    private DatagramChannel rtp;
    private MediaLoop loop;
    private CallMedia media;

    private void start(RtpFormat telephoneEvent) throws IOException {
        caller = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        rtp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        rtp.configureBlocking(false);
        loop = new MediaLoop("test-loop", () -> now);
        Negotiated codec = new Negotiated(PCMU, telephoneEvent, "127.0.0.1", callerAddress().getPort(), 20,
                Direction.SENDRECV, null);
        media = MediaPipeline.build(loop, new RtpSocket(rtp, ((InetSocketAddress) rtp.getLocalAddress()).getPort()), codec,
                250, Duration.ofSeconds(30), 200, new MediaEvents() {
                    @Override
                    public void dtmf(char digit, int durationMs, DtmfSource source) {
                        events.add("dtmf " + digit + " " + source + " at " + now / MS);
                    }

                    @Override
                    public void mediaFailed(String reason) {
                        events.add("failed " + reason);
                    }

                    @Override
                    public void mediaTimeout(String reason) {
                        events.add("timeout at " + now / MS);
                    }
                });
        media.start();
        media.attach(new Uplink());
        loop.runPending();
    }

    @AfterEach
    void close() throws IOException {
        loop.close();
        rtp.close();
        caller.close();
    }

    private InetSocketAddress callerAddress() throws IOException {
        return (InetSocketAddress) caller.getLocalAddress();
    }

    /** The bot side: records every frame and event with the time it was handed over. */
    private final class Uplink implements AudioUplink {
        @Override
        public void attached() {
            bot.add(new ToBot(now, "attached", -1, (short) 0));
        }

        @Override
        public void callerFrame(short[] pcm, int sequence, long timestamp) {
            assertEquals(sequence * 160L, timestamp, "the bot's timeline has no gaps");
            bot.add(new ToBot(now, "frame", sequence, pcm[0]));
        }

        @Override
        public void dtmf(char digit, int durationMs, DtmfSource source) {
            bot.add(new ToBot(now, "dtmf " + digit, -1, (short) 0));
        }

        @Override
        public void markPlayed(String name, boolean cleared) {
            bot.add(new ToBot(now, "mark " + name, -1, (short) 0));
        }

        @Override
        public void ended(HangupCause cause, String reason) {
            bot.add(new ToBot(now, "ended", -1, (short) 0));
        }
    }

    /** Caller voice packet {@code seq} at time {@code at}: 20 ms of PCMU, every byte {@code 0x10 + seq}. */
    private void callerVoice(int seq, long at) {
        byte[] p = new byte[12 + 160];
        RtpHeaderWriter.write(p, 0, seq == 0, 0, seq, seq * 160L, CALLER_SSRC);
        Arrays.fill(p, 12, p.length, (byte) (0x10 + seq));
        pending.add(new Arrival(at, p));
    }

    /** An RFC 4733 packet of digit {@code event} at RTP timestamp {@code ts}: duration so far, end bit. */
    private void callerEvent(int seq, long ts, int event, int duration, boolean end, long at) {
        byte[] p = new byte[12 + 4];
        RtpHeaderWriter.write(p, 0, false, 101, seq, ts, CALLER_SSRC);
        p[12] = (byte) event;
        p[13] = (byte) ((end ? 0x80 : 0) | 10);
        p[14] = (byte) (duration >> 8);
        p[15] = (byte) duration;
        pending.add(new Arrival(at, p));
    }

    /** Bot frames land now, each filled with {@code 0x60 + i}, and the loop is told, as the playout queue does. */
    private void botSends(int first, int count) {
        for (int i = first; i < first + count; i++) {
            byte[] frame = new byte[160];
            Arrays.fill(frame, (byte) (0x60 + i));
            media.playout().offer(frame, 0);
        }
        send();
    }

    /** Runs the loop's schedule up to {@code until}: arrivals, ticks and the sends the call asks for, in time order. */
    private void runUntil(long until) throws IOException {
        while (true) {
            long wake = Math.max(serviced + 1, media.sendWake(now));
            long arrival = pending.isEmpty() ? Long.MAX_VALUE : pending.peek().at();
            long t = Math.min(wake, Math.min(nextTick, arrival));
            if (t > until) {
                now = until;
                return;
            }
            now = Math.max(now, t);
            if (t == arrival) {
                byte[] p = pending.poll().packet();
                media.onPacket(callerAddress(), p.clone(), p.length, now);
            } else if (t == nextTick) {
                media.tick(now);
                nextTick += 20 * MS;
            } else {
                serviced = now;
                send();
            }
        }
    }

    /** One send pass, stamping each packet that left with the time. */
    private void send() {
        media.send(now);
        var stats = media.snapshot();
        loop.runPending();
        long sent = stats.join().packetsSent();
        for (; sentSoFar < sent; sentSoFar++) {
            sendTimes.add(now);
        }
    }

    /** Every packet the caller got, in order, stamped with its send time. */
    private List<ToCaller> callerGot() throws IOException {
        List<ToCaller> got = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(2048);
        caller.socket().setSoTimeout(10_000);
        for (long at : sendTimes) {
            buf.clear();
            SocketAddress from = caller.receive(buf); // blocking: loopback keeps the order, and all were sent
            assertTrue(from != null);
            got.add(new ToCaller(at, buf.get(1) & 0x7F, buf.get(12)));
        }
        return got;
    }

    /** What the caller got as "ms:frame", "-" for silence. */
    private List<String> timeline() throws IOException {
        return callerGot().stream().map(p -> p.at() / MS + ":" + (p.first() == G711.ULAW_SILENCE ? "-"
                : String.valueOf(p.first() - 0x60))).toList();
    }

    private List<ToBot> frames() {
        return bot.stream().filter(b -> b.what().equals("frame")).toList();
    }

    @Test
    void eachCallerFrameReachesTheBotWhenItsPacketArrivesAndTheCallerHearsSilenceEvery20Ms() throws IOException {
        start(null);
        for (int k = 0; k < 10; k++) {
            callerVoice(k, 3 * MS + k * 20 * MS);
        }
        runUntil(200 * MS);
        List<ToBot> frames = frames();
        assertEquals(10, frames.size());
        for (int k = 0; k < 10; k++) {
            assertEquals(3 * MS + k * 20 * MS, frames.get(k).at(), "frame " + k + " goes up on its packet's arrival");
            assertEquals(k, frames.get(k).sequence());
            assertEquals(G711.ulawToLinear((byte) (0x10 + k)), frames.get(k).sample(), "frame " + k + " is packet " + k);
        }
        List<ToCaller> got = callerGot();
        assertEquals(11, got.size(), "a packet per 20 ms slot from the start, 0 to 200 ms");
        for (int i = 0; i < got.size(); i++) {
            assertEquals(i * 20 * MS, got.get(i).at(), "slot " + i);
            assertEquals(G711.ULAW_SILENCE, got.get(i).first(), "silence while the bot says nothing");
        }
    }

    @Test
    void aLostCallerPacketIsConcealedOnTheTickOnceOverdueAndTheBotTimelineStaysWhole() throws IOException {
        start(null);
        for (int k = 0; k < 10; k++) {
            if (k != 4) {
                callerVoice(k, k * 20 * MS);
            }
        }
        runUntil(200 * MS);
        List<ToBot> frames = frames();
        assertEquals(10, frames.size(), "the lost frame is concealed, not skipped");
        // Frame 4 was due at 80 ms and is given up on at 90: the tick at 87 ms is too early, frame 5's arrival at 100 is not.
        assertEquals(100 * MS, frames.get(4).at(), "frame 4, concealed");
        assertEquals(100 * MS, frames.get(5).at(), "frame 5 right behind it, on its own arrival");
        assertEquals(G711.ulawToLinear((byte) 0x15), frames.get(5).sample());
    }

    @Test
    void aLateBotFrameIsWaitedForUpToASlotAndLeavesOnArrivalMovingTheGrid() throws IOException {
        start(null);
        runUntil(40 * MS);        // fillers at 0, 20 and 40 ms
        botSends(0, 3);           // just after the 40 ms slot: frames 0-2 take the slots at 60, 80, 100 ms
        runUntil(125 * MS);       // frame 3 misses its 120 ms slot, which is held for it
        botSends(3, 2);
        runUntil(240 * MS);
        List<String> line = timeline();
        // Frame 3 leaves the moment it lands, 5 ms into the held slot, and frame 4 follows 20 ms
        // later on the moved grid; after the bot's last frame one slot is held, then fillers. Frames
        // queued ahead of their slots pull the grid earlier by 0.19 ms a packet (PlayoutClock's slew),
        // so those slots land just under the whole millisecond the timeline prints.
        assertEquals(List.of("0:-", "20:-", "40:-", "60:0", "79:1", "99:2", "125:3", "145:4", "184:-", "204:-", "224:-"), line);
    }

    @Test
    void aBotFrameLaterThanTheHeldSlotFindsSilenceSentInItsPlace() throws IOException {
        start(null);
        runUntil(40 * MS);
        botSends(0, 3);           // slots 60, 80, 100 ms
        runUntil(150 * MS);       // the 120 ms slot is held to 140 ms, then a filler goes
        botSends(3, 1);
        runUntil(200 * MS);
        List<String> line = timeline();
        // No 120 ms packet: the slot waits for the frame until 140, where a filler goes; the frame,
        // landing at 150, keeps to that grid and leaves at 160. Frames queued ahead of their slots pull
        // the grid earlier by 0.19 ms a packet (PlayoutClock's slew), so from 80 ms on each slot lands
        // just under the whole millisecond the timeline prints.
        assertEquals(List.of("0:-", "20:-", "40:-", "60:0", "79:1", "99:2", "139:-", "159:3", "199:-"), line);
    }

    @Test
    void anRfc4733DigitReachesTheBotAndTheControlPlaneOnceAsItBegins() throws IOException {
        start(EVENTS);
        for (int k = 0; k < 5; k++) {
            callerVoice(k, k * 20 * MS);
        }
        long ts = 5 * 160L;
        for (int i = 0; i < 5; i++) {
            callerEvent(5 + i, ts, 7, (i + 1) * 160, false, (100 + i * 20) * MS);
        }
        for (int i = 0; i < 3; i++) {
            callerEvent(10, ts, 7, 5 * 160, true, (200 + i) * MS); // the end packet, sent three times
        }
        runUntil(260 * MS);
        assertEquals(List.of("dtmf 7 RFC4733 at 100"), events);
        assertEquals(1, bot.stream().filter(b -> b.what().equals("dtmf 7")).count());
        assertEquals(100 * MS, bot.stream().filter(b -> b.what().equals("dtmf 7")).findFirst().orElseThrow().at());
    }

    @Test
    void digitsForTheCallerReplaceTheBotsAudioInTheirSlotsAndTheAudioWaits() throws IOException {
        start(EVENTS);
        runUntil(20 * MS);
        var queued = media.sendDigits("1", 60);
        loop.runPending();
        assertTrue(queued.join(), "the call takes telephone-events");
        botSends(0, 2);
        runUntil(200 * MS);
        List<ToCaller> got = callerGot();
        int firstVoice = -1;
        int events = 0;
        for (int i = 0; i < got.size(); i++) {
            if (got.get(i).payloadType() == 101) {
                events++;
                assertTrue(firstVoice < 0, "no bot audio inside the digit, slot " + i);
            } else if (firstVoice < 0 && got.get(i).first() == 0x60) {
                firstVoice = i;
            }
        }
        assertTrue(events >= 3 + 2, "60 ms of events and the repeated end packets: " + events);
        assertEquals(0x61, got.get(firstVoice + 1).first(), "the bot's frames follow in order");
        // The next slot, less at most the slew of one packet waiting ahead (PlayoutClock: 0.19 ms).
        long gap = got.get(firstVoice).at() - got.get(firstVoice - 1).at();
        assertTrue(gap <= 20 * MS && gap >= 20 * MS - 190_000, "in the next slot: " + gap + " ns");
    }

    /**
     * Both paths in steady state, with the bot's frames queued as the caller's arrive: the whole
     * receive pipeline to the uplink and the whole send pipeline to the socket, per 20 ms.
     */
    @Tag("allocation")
    @Test
    void steadyStateAllocatesNothingOnEitherPath() throws IOException {
        start(null);
        media.attach(new AudioUplink() {
            @Override public void attached() { }
            @Override public void callerFrame(short[] pcm, int sequence, long timestamp) { }
            @Override public void dtmf(char digit, int durationMs, DtmfSource source) { }
            @Override public void markPlayed(String name, boolean cleared) { }
            @Override public void ended(HangupCause cause, String reason) { }
        });
        loop.runPending();
        int n = 4000;
        byte[][] packets = new byte[2 * n][];
        for (int k = 0; k < packets.length; k++) {
            packets[k] = new byte[12 + 160];
            RtpHeaderWriter.write(packets[k], 0, false, 0, k & 0xFFFF, k * 160L, CALLER_SSRC);
        }
        byte[] botFrame = new byte[160];
        SocketAddress from = callerAddress();
        int[] k = {0};
        long bytes = Allocations.measure(n / 5, () -> {
            now = k[0] * 20 * MS;
            media.onPacket(from, packets[k[0]], packets[k[0]].length, now);
            media.playout().offer(botFrame, 0);
            media.send(now);
            media.tick(now + TICK_PHASE);
            k[0]++;
        });
        assertTrue(bytes < 4096, "a caller packet, a bot frame, a send and a tick allocated " + bytes + " bytes over "
                + n / 5 + " rounds");
        assertTrue(frames().isEmpty(), "the recording uplink was replaced");
    }
}
