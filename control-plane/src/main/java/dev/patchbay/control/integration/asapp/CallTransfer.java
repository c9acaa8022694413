package dev.patchbay.control.integration.asapp;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * One ASAPP-style call transfer as stored (seed 004). Optional values are null; the contexts are JSON
 * object text; the INVITE-return password stays sealed.
 */
public record CallTransfer(String id, String workspaceId, String externalConversationId, String type, String returnUri,
                           ReturnType returnType, String authUsername, String authPasswordEnc, String inputContextJson,
                           String outputContextJson, Status status, String callId, Instant createdAt, Instant expiresAt,
                           Instant callReceivedAt, Instant completedAt) {

    /** The seed's statuses, by their wire names. */
    public enum Status { ACTIVE, ONGOING, COMPLETED, EXPIRED }

    /** How the call goes back to the contact centre when the bot is done. */
    public enum ReturnType {
        BYE, REFER, INVITE;

        /** Exact, case-sensitive wire names, as the seed writes them. */
        public static Optional<ReturnType> parse(String wire) {
            return Arrays.stream(values()).filter(t -> t.name().equals(wire)).findFirst();
        }
    }

    /**
     * The status as a reader must see it: an ACTIVE transfer past its TTL is EXPIRED even before the
     * sweep has written it, so a reader never sees a transfer that no INVITE can claim as ACTIVE.
     */
    public Status statusAt(Instant now) {
        return status == Status.ACTIVE && !now.isBefore(expiresAt) ? Status.EXPIRED : status;
    }
}
