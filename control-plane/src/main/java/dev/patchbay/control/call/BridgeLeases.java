package dev.patchbay.control.call;

import java.time.Duration;
import java.util.logging.Logger;

import dev.patchbay.control.store.CallStore;
import io.helidon.dbclient.DbClientException;

/**
 * Which replica bridges which live call. A replica holds a lease per call it bridges and renews
 * all of them every few seconds; when it dies, its leases run out and another replica (or the
 * restarted one) takes the calls over. Leases live in the calls table, so PostgreSQL is the only
 * thing replicas share.
 */
public final class BridgeLeases {

    private static final Logger LOG = Logger.getLogger(BridgeLeases.class.getName());

    private final CallStore store;
    private final String owner;
    private final Duration length;

    public BridgeLeases(CallStore store, String owner, Duration length) {
        this.store = store;
        this.owner = owner;
        this.length = length;
    }

    public String owner() {
        return owner;
    }

    /** Takes the lease on a live call; false if another replica holds it or the call has ended. */
    boolean take(String callId) {
        return store.leaseBridge(callId, owner, store.now().plus(length));
    }

    /** On a clean stop: other replicas may take this one's calls at once. */
    public void releaseAll() {
        try {
            long n = store.releaseLeases(owner);
            if (n > 0) {
                LOG.info(() -> "released the bridges of " + n + " live calls for other replicas to take over");
            }
        } catch (DbClientException e) {
            LOG.warning(() -> "releasing bridge leases failed (" + e.getMessage() + "); they lapse on their own");
        }
    }

    /** Extends every lease this replica holds; run at a third of the lease length. */
    public void renew() {
        try {
            store.renewLeases(owner, store.now().plus(length));
        } catch (DbClientException e) {
            // The next renewal may well succeed; the lease has two more periods before it expires.
            LOG.warning(() -> "renewing bridge leases failed: " + e.getMessage());
        }
    }
}
