package dev.patchbay.control.call;

/**
 * Hears a bot hand its call back with an output context, as ASAPP-style call transfers end. The
 * bridges only report it; what follows (store the context, BYE or REFER) belongs to the integration.
 */
@FunctionalInterface
public interface BotReturns {

    /** Ignores returns, for wiring without integrations. */
    BotReturns NONE = (callId, outputContextJson) -> { };

    /** Called on a worker thread; {@code outputContextJson} is the bot's JSON object, not yet checked. */
    void returned(String callId, String outputContextJson);
}
