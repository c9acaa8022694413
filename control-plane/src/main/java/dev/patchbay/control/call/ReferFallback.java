package dev.patchbay.control.call;

import dev.patchbay.control.model.CallRecord;

/** What follows when a call's far end refuses a bot's REFER itself: see {@link CallActions#referRefused}. */
@FunctionalInterface
public interface ReferFallback {

    /** Called on a worker thread with the call as stored and the Refer-To the far end refused with {@code status}. */
    void referRefused(CallRecord call, String target, int status);
}
