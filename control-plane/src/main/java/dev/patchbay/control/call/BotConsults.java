package dev.patchbay.control.call;

import dev.patchbay.control.model.CallRecord;

/** Carries out a bot's attended transfer step (the Twilio-dialect {@code consult} extension message). */
@FunctionalInterface
public interface BotConsults {

    /**
     * {@code action} start (consult {@code to}, the caller hearing the {@code hold} clip or, when null, silence),
     * complete ({@code method} or null) or cancel; refusals land in the call's events.
     */
    void botConsult(CallRecord call, String action, String to, String method, String hold);
}
