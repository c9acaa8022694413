package dev.patchbay.admin.registration;

import java.time.Instant;

/**
 * A trunk's registration as stored (V22): the settings the admin API writes and the state the
 * holding media node reports.
 *
 * @param passwordEnc sealed with {@link dev.patchbay.schema.SecretBox}; never returned
 * @param state       unregistered, registering, registered or failed
 * @param holderNode  the media node holding the lease, or null when none does
 */
record TrunkRegistration(String trunkId, String workspaceId, String registrar, String transport, String username,
                         String passwordEnc, int expires, String contactUser, int revision, Instant createdAt,
                         String state, Instant expiresAt, String lastError, String holderNode, Instant leaseUntil,
                         Instant updatedAt) {

    @Override
    public String toString() {
        return "TrunkRegistration[trunkId=" + trunkId + ", registrar=" + registrar + ", username=" + username
                + ", password=<sealed>, state=" + state + ", holderNode=" + holderNode + "]";
    }
}
