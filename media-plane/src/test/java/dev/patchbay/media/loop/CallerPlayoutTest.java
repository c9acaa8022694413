package dev.patchbay.media.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.patchbay.media.playout.PlayoutQueue;
import dev.patchbay.media.sdp.Direction;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.RtpFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The send path of one call replayed at explicit times, as the media loop drives it: bot frames land
 * in the queue, {@code service} runs on arrival and at {@code wakeAt}, and every packet goes through
 * a real socket on loopback to a receiver that reads what the caller would get.
 */
class CallerPlayoutTest {

    private static final long MS = 1_000_000L;
    private static final RtpFormat PCMU = new RtpFormat(0, "PCMU", 8000, "");
    private static final RtpFormat EVENTS = new RtpFormat(101, "telephone-event", 8000, "0-15");

    private final List<String> marks = new ArrayList<>();
    private DatagramChannel out;
    private DatagramChannel caller;
    private PlayoutQueue queue;
    private CallerPlayout playout;
    private long now;
    private long serviced = -1;

    private void start(RtpFormat events) throws IOException {
        caller = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        out = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        queue = new PlayoutQueue(250, 160, 16);
        Negotiated codec = new Negotiated(PCMU, events, "127.0.0.1", ((InetSocketAddress) caller.getLocalAddress()).getPort(), 20,
                Direction.SENDRECV, null);
        playout = MediaPipeline.callerPlayout(queue, (name, cleared) -> marks.add(name),
                new RtpSender(out, caller.getLocalAddress()), codec, () -> now);
    }

    @AfterEach
    void close() throws IOException {
        out.close();
        caller.close();
    }

    /** Runs the loop from now to {@code until}: a service at every wake-up the playout asks for. */
    private void runUntil(long until) {
        while (true) {
            long wake = Math.max(serviced + 1, playout.wakeAt(now));
            if (wake > until) {
                now = until;
                return;
            }
            now = Math.max(now, wake);
            serviced = now;
            playout.service(now);
        }
    }

    /** Bot frames land now, each filled with its number, and the loop is woken as the queue does. */
    private void botSends(int first, int count) {
        for (int i = first; i < first + count; i++) {
            byte[] frame = new byte[160];
            Arrays.fill(frame, (byte) (0x10 + i));
            queue.offer(frame, 0);
        }
        playout.service(now);
    }

    /** Every packet the caller got so far: payload type and payload. */
    private List<byte[]> received() throws IOException {
        caller.configureBlocking(false);
        List<byte[]> packets = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(2048);
        while (caller.receive(buf.clear()) != null) {
            packets.add(Arrays.copyOf(buf.array(), buf.position()));
        }
        return packets;
    }

    private static boolean isFrame(byte[] packet, int i) {
        byte[] want = new byte[160];
        Arrays.fill(want, (byte) (0x10 + i));
        return (packet[1] & 0x7F) == 0 && Arrays.equals(Arrays.copyOfRange(packet, 12, packet.length), want);
    }

    @Test
    void aBurstLeavesOneFrameASlotAndTheMarkComesWhenItsAudioLeft() throws IOException {
        start(null);
        runUntil(100 * MS); // fillers at 0, 20 ... 100
        botSends(0, 10);
        queue.mark("end");
        runUntil(400 * MS);
        List<byte[]> got = received();
        // Slots at 0, 20 ... 400 ms, but for the one after the burst, held 20 ms for a late frame
        // before its filler went: the grid moved 20 ms later.
        assertEquals(20, got.size());
        for (int i = 0; i < 10; i++) {
            assertTrue(isFrame(got.get(6 + i), i), "frame " + i + " in slot " + (6 + i));
        }
        assertEquals(List.of("end"), marks);
    }

    @Test
    void botAudioQueuedWhileAnInBandDigitPlaysWaitsForItAndNoneIsLost() throws IOException {
        start(null);
        runUntil(40 * MS);
        assertTrue(playout.inbandDtmf().enqueue("5", 100));
        botSends(0, 5);
        runUntil(600 * MS);
        List<byte[]> got = received();
        // The digit: 100 ms of tone and 100 ms of pause, ten slots, then the bot's five frames in order.
        int firstVoice = -1;
        for (int i = 0; i < got.size() && firstVoice < 0; i++) {
            if (isFrame(got.get(i), 0)) {
                firstVoice = i;
            }
        }
        assertEquals(3 + 10, firstVoice, "three fillers, the digit's ten slots, then the bot's audio");
        for (int i = 0; i < 5; i++) {
            assertTrue(isFrame(got.get(firstVoice + i), i), "frame " + i + " after the digit");
        }
        assertEquals(30, got.size(), "one packet a slot, 0 to 600 ms, less the slot held after the bot's last frame");
    }

    @Test
    void botAudioQueuedWhileAnRfc4733DigitPlaysWaitsForItsEndPackets() throws IOException {
        start(EVENTS);
        runUntil(40 * MS);
        assertTrue(playout.dtmfOut().enqueue("7", 100));
        botSends(0, 3);
        runUntil(600 * MS);
        List<byte[]> got = received();
        int events = 0;
        int firstVoice = -1;
        for (int i = 0; i < got.size(); i++) {
            if ((got.get(i)[1] & 0x7F) == 101) {
                events++;
                assertTrue(firstVoice < 0, "no bot audio inside the digit");
            } else if (firstVoice < 0 && isFrame(got.get(i), 0)) {
                firstVoice = i;
            }
        }
        assertTrue(events >= 5 + 2, "a 100 ms event and its repeated end packets: " + events);
        assertArrayEquals(new boolean[] {true, true, true},
                new boolean[] {isFrame(got.get(firstVoice), 0), isFrame(got.get(firstVoice + 1), 1), isFrame(got.get(firstVoice + 2), 2)});
    }
}
