package dev.patchbay.media.dtmf;

import java.util.ArrayList;
import java.util.List;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exact packets a digit becomes, tick by tick. */
class Rfc4733SenderTest {

    /** "tick kind/timestamp/marker/payload hex" for each tick until the sender is idle. */
    private static List<String> run(Rfc4733Sender s, long startTimestamp) {
        return run(s, startTimestamp, 160);
    }

    private static List<String> run(Rfc4733Sender s, long startTimestamp, int ticksPer20Ms) {
        List<String> out = new ArrayList<>();
        long ts = startTimestamp;
        byte[] buf = new byte[4];
        for (int i = 0; i < 100 && s.busy(); i++, ts += ticksPer20Ms) {
            Rfc4733Sender.Tick t = s.tick(ts);
            if (t == Rfc4733Sender.Tick.VOICE) {
                out.add("VOICE");
            } else {
                s.write(buf, 0);
                out.add(t + "/" + s.timestamp() + "/" + s.marker() + "/" + HexFormat.of().formatHex(buf));
            }
        }
        return out;
    }

    @Test
    void aSixtyMsSevenIsThreePacketsThenTheEndTwiceMoreThenAGap() {
        Rfc4733Sender s = new Rfc4733Sender(8000);
        assertTrue(s.enqueue("7", 60));
        assertEquals(List.of(
                "EVENT/1000/true/070a00a0",
                "EVENT/1000/false/070a0140",
                "EVENT/1000/false/078a01e0",
                "EVENT_REPEAT/1000/false/078a01e0",
                "EVENT_REPEAT/1000/false/078a01e0",
                "VOICE", "VOICE", "VOICE"), run(s, 1000));
        assertFalse(s.busy());
    }

    /** With Opus, events run at its 48 kHz RTP clock: 960 per 20 ms packet, the same 60 ms gap after. */
    @Test
    void atFortyEightKilohertzTheDurationGrowsBy960() {
        Rfc4733Sender s = new Rfc4733Sender(48000);
        assertTrue(s.enqueue("7", 60));
        assertEquals(List.of(
                "EVENT/96000/true/070a03c0",
                "EVENT/96000/false/070a0780",
                "EVENT/96000/false/078a0b40",
                "EVENT_REPEAT/96000/false/078a0b40",
                "EVENT_REPEAT/96000/false/078a0b40",
                "VOICE", "VOICE", "VOICE"), run(s, 96000, 960));
        assertTrue(s.enqueue("1", 5000));
        List<String> held = run(s, 0, 960);
        assertTrue(held.get(held.size() - 4).endsWith("/018affff"), "the 16-bit duration field caps it at 1.37 s: " + held);
    }

    @Test
    void keysMapToTheirEventCodesAndCommasPause() {
        Rfc4733Sender s = new Rfc4733Sender(8000);
        assertTrue(s.enqueue("*,d", 40));
        List<String> ticks = run(s, 0);
        assertTrue(ticks.get(0).endsWith("/0a0a00a0"), ticks.get(0)); // * = 10
        assertTrue(ticks.get(1).endsWith("/0a8a0140"), ticks.get(1)); // 40 ms: the second packet ends it
        long pause = ticks.stream().filter("VOICE"::equals).count();
        assertEquals(3 + 25 + 3, pause, "60 ms gap, 500 ms pause, 60 ms gap");
        assertTrue(ticks.get(ticks.size() - 4).endsWith("/0f8a0140"), ticks.toString()); // D = 15
    }

    @Test
    void refusesNonKeysAndOverflowWithoutQueueingAnything() {
        Rfc4733Sender s = new Rfc4733Sender(8000);
        assertFalse(s.enqueue("12x", 100));
        assertFalse(s.busy());
        assertFalse(s.enqueue("1".repeat(65), 100));
        assertFalse(s.busy());
    }
}
