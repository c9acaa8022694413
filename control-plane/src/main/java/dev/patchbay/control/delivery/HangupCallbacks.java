package dev.patchbay.control.delivery;

import dev.patchbay.control.model.CallRecord;

/** Tells whoever asked, through the call's {@code callback_url}, that a call has ended. */
public interface HangupCallbacks {

    /** Queues the callback durably; delivery and retries happen elsewhere. Never throws for a bad target. */
    void ended(CallRecord call);
}
