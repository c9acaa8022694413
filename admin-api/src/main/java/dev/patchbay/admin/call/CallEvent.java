package dev.patchbay.admin.call;

import java.time.Instant;

/** One entry of a call's timeline ({@code call_events}). */
public record CallEvent(long id, Instant at, String type, String detail) {
}
