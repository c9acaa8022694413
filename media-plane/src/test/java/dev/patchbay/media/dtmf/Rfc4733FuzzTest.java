package dev.patchbay.media.dtmf;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any stream of telephone-event payloads, in any order, with expiry ticks between them: the receiver
 * never throws, reports only digits {@code 0-9 * # A-D}, never ends more digits than began, counts every
 * short payload as malformed, and a digit's end carries the longest duration seen for it.
 * Regression inputs: src/test/resources/dev/patchbay/media/dtmf/Rfc4733FuzzTestInputs/.
 */
class Rfc4733FuzzTest {

    private static final String DIGITS = "0123456789*#ABCD";

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void feed(FuzzedDataProvider data) {
        Rfc4733Receiver receiver = new Rfc4733Receiver();
        long now = 0;
        int began = 0;
        int ended = 0;
        long shortPayloads = 0;
        while (data.remainingBytes() > 0) {
            now += data.consumeInt(0, 1_000_000_000);
            Rfc4733Receiver.Result r;
            if (data.consumeInt(0, 7) == 0) {
                r = receiver.expire(now);
                assertTrue(r == Rfc4733Receiver.Result.NONE || r == Rfc4733Receiver.Result.END, "expire gave " + r);
            } else {
                long timestamp = data.consumeLong(0, 0xFFFF_FFFFL);
                byte[] payload = data.consumeBytes(data.consumeInt(0, 8));
                shortPayloads += payload.length < 4 ? 1 : 0;
                r = receiver.feed(timestamp, payload, 0, payload.length, data.consumeBoolean() ? now : Rfc4733Receiver.NO_TIME);
                assertEquals(payload.length < 4, r == Rfc4733Receiver.Result.MALFORMED, "MALFORMED exactly for short payloads");
            }
            assertNotNull(r);
            if (r.began()) {
                began++;
                assertTrue(DIGITS.indexOf(receiver.digit()) >= 0, "began '" + receiver.digit() + "'");
            }
            if (r.ended()) {
                ended++;
                assertTrue(DIGITS.indexOf(receiver.endedDigit()) >= 0, "ended '" + receiver.endedDigit() + "'");
                assertTrue(receiver.endedDuration() >= 0 && receiver.endedDuration() <= 0xFFFF);
            }
            assertTrue(ended <= began, ended + " ends after " + began + " begins");
        }
        assertEquals(shortPayloads, receiver.malformed());
        assertTrue(receiver.ignoredEvents() >= 0 && receiver.stalePackets() >= 0 && receiver.unconfirmedEnds() >= 0);
    }
}
