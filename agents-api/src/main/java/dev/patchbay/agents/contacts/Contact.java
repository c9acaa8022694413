package dev.patchbay.agents.contacts;

import java.time.Instant;
import java.util.List;

/**
 * An address-book entry of a session, with how often and when last it was called from that session.
 * {@code metadataJson} is the JSON object as given, or null.
 */
public record Contact(String id, String sessionId, String name, String phoneNumber, List<String> labels, String notes,
                      String metadataJson, Instant createdAt, Instant updatedAt, long callCount, Instant lastCalled) {
}
