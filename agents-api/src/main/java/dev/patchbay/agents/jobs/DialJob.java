package dev.patchbay.agents.jobs;

import java.time.Instant;

/**
 * A call to place later or in turn: one entry of a batch, a scheduled call, or a queued call.
 * {@code request} is the initiate request as JSON, replayed on every attempt.
 */
public record DialJob(String id, String sessionId, Kind kind, String groupId, String toNumber, String request,
                      int priority, Integer concurrencyLimit, String timezone, int maxAttempts, int retryIntervalSeconds,
                      int attempts, State state, Instant runAt, Instant giveUpAt, String callId, String lastResult,
                      Instant createdAt) {

    public enum Kind { BATCH, SCHEDULED, QUEUED }

    public enum State { PENDING, DIALING, COMPLETED, FAILED, EXPIRED, CANCELED }

    public static String wire(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }
}
