package dev.patchbay.media.registration;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import dev.patchbay.media.sip.RegisterClient;

/**
 * One registration this node holds. Touched only on the keeper's thread; {@code generation} tells a
 * late SIP outcome or timer of an earlier binding from the current one.
 */
final class HeldRegistration {

    final String trunkId;
    final int revision;
    final int askedDefault;
    final RegisterClient.Binding binding;
    int asked;
    int failures;
    int generation;
    RegistrationState state = RegistrationState.UNREGISTERED;
    Instant expiresAt;
    String lastError;
    ScheduledFuture<?> next;

    HeldRegistration(String trunkId, int revision, int expires, RegisterClient.Binding binding) {
        this.trunkId = trunkId;
        this.revision = revision;
        this.askedDefault = expires;
        this.asked = expires;
        this.binding = binding;
    }

    void cancelTimer() {
        generation++;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }
}
