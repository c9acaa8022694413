package dev.patchbay.control.recording;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The one-range subset of RFC 9110 §14 that a player's seeking needs. */
class RecordingRangeTest {

    @Test
    void rangesAsAPlayerSendsThem() {
        assertEquals(new RecordingsApi.Span(0, 999, false), RecordingsApi.span(null, 1000));
        assertEquals(new RecordingsApi.Span(100, 199, true), RecordingsApi.span("bytes=100-199", 1000));
        assertEquals(new RecordingsApi.Span(100, 999, true), RecordingsApi.span("bytes=100-", 1000));
        assertEquals(new RecordingsApi.Span(900, 999, true), RecordingsApi.span("bytes=-100", 1000));
        assertEquals(new RecordingsApi.Span(0, 999, true), RecordingsApi.span("bytes=-5000", 1000));
        assertEquals(new RecordingsApi.Span(990, 999, true), RecordingsApi.span("bytes=990-5000", 1000), "clipped to the end");
    }

    @Test
    void unsatisfiableOrIgnored() {
        assertNull(RecordingsApi.span("bytes=1000-", 1000));
        assertNull(RecordingsApi.span("bytes=200-100", 1000));
        assertNull(RecordingsApi.span("bytes=-0", 1000));
        // Several ranges or another unit: the whole file, as RFC 9110 allows.
        assertEquals(new RecordingsApi.Span(0, 999, false), RecordingsApi.span("bytes=0-1,5-6", 1000));
        assertEquals(new RecordingsApi.Span(0, 999, false), RecordingsApi.span("items=0-1", 1000));
        assertEquals(new RecordingsApi.Span(0, 999, false), RecordingsApi.span("bytes=99999999999999999999-", 1000));
    }
}
