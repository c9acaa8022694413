package dev.patchbay.control.call;

/** Tells whoever asked, through the call's {@code callback_url}, that a call has ended. */
public interface HangupCallbacks {

    /** Queues the callback durably; delivery and retries happen elsewhere. Never throws for a bad target. */
    void ended(CallRecord call);
}
