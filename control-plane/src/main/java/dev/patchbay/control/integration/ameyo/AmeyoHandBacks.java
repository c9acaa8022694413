package dev.patchbay.control.integration.ameyo;

import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

import dev.patchbay.control.model.AmeyoTag;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/**
 * What happens when the bot of a call that came in over an Ameyo trunk (it has a CRT id) is done: Ameyo gets
 * its notification (seed 000) and its PBX sends the BYE. The notification and the call's BYE timer are
 * written in one transaction; {@link AmeyoByeTimers} starts the wait once the notification is delivered.
 */
public final class AmeyoHandBacks {

    private static final Logger LOG = Logger.getLogger(AmeyoHandBacks.class.getName());

    private final DbClient db;
    private final CallStore store;
    private final AmeyoIntegration integrations;
    private final AmeyoNotifier notifier;
    private final AmeyoByeTimers timers;

    public AmeyoHandBacks(DbClient db, CallStore store, AmeyoIntegration integrations, AmeyoNotifier notifier,
                          AmeyoByeTimers timers) {
        this.db = db;
        this.store = store;
        this.integrations = integrations;
        this.notifier = notifier;
        this.timers = timers;
    }

    /** The call's Ameyo tag: present for calls Ameyo's routing step accepted, whose far end sends the BYE. */
    public Optional<AmeyoTag> tag(CallRecord call) {
        return store.ameyo(call.id());
    }

    /**
     * Notifies Ameyo of a handed-back call, once: a re-attached bridge may hand back again. A call whose
     * notification failed and that went back to its bot (on-notification-failure: bot) is notified afresh.
     */
    public void handedBack(CallRecord call, AmeyoTag tag, String propertiesJson) {
        Optional<AmeyoByeTimers.State> state = timers.state(call);
        if (state.isPresent() && state.get() != AmeyoByeTimers.State.TO_BOT) {
            return;
        }
        boolean again = state.isPresent();
        Duration timeout = integrations.settings(call.workspaceId()).map(AmeyoIntegration.Settings::byeTimeout)
                .orElse(Duration.ZERO);
        String outboxId;
        try {
            outboxId = Db.inTransaction(db, tx -> {
                String id = notifier.notify(tx, call, tag, propertiesJson);
                if (again) {
                    if (!timers.restart(tx, call, id, timeout)) {
                        throw new AlreadyNotified();
                    }
                } else {
                    timers.start(tx, call, id, timeout);
                }
                return id;
            });
        } catch (AlreadyNotified e) {
            return;
        } catch (RuntimeException e) {
            if (Db.uniqueViolation(e)) {
                return; // another hand-back of this call got there first
            }
            LOG.warning(() -> "call " + call.id() + ": " + e.getMessage());
            store.event(call.id(), "ameyo-notification-failed", e.getMessage());
            unqueued(call, again);
            return;
        }
        notifier.wake();
        store.event(call.id(), "ameyo-notification", "queued as " + outboxId + " for CRT " + tag.crt()
                + "; the wait for Ameyo's BYE starts when it is delivered");
    }

    /** No notification could be queued: a timer row without one gets the failure policy at the next sweep. */
    private void unqueued(CallRecord call, boolean again) {
        try {
            Db.inTransaction(db, tx -> {
                if (again) {
                    return timers.restart(tx, call, null, Duration.ZERO);
                }
                timers.start(tx, call, null, Duration.ZERO);
                return true;
            });
        } catch (RuntimeException e) {
            if (!Db.uniqueViolation(e)) {
                throw e;
            }
        }
    }

    /**
     * For a call being attached again: true while Ameyo's BYE is awaited (or the call is being ended), in which
     * case the bot must not be connected again; false when the bot never handed back or has the call back.
     */
    public boolean holds(CallRecord call) {
        return timers.state(call).map(s -> s != AmeyoByeTimers.State.TO_BOT).orElse(false);
    }

    /** A concurrent hand-back re-notified the call already. */
    private static final class AlreadyNotified extends RuntimeException {
        AlreadyNotified() {
            super("the call was notified afresh already", null, false, false);
        }
    }
}
