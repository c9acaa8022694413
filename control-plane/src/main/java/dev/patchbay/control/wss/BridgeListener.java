package dev.patchbay.control.wss;

/** What a bridge tells its owner, so that call events can be recorded. Called from I/O threads: keep it quick. */
public interface BridgeListener {

    /** The bot's socket is open and the call's audio is attached. Called once, not on reconnects. */
    void connected(String callId);

    /** The bridge is over; {@code reason} says why (call ended, bot closed, connect failed, socket lost). Called once. */
    void ended(String callId, String reason);

    /**
     * Something happened on the bridge worth a call event: a call action the bot asked for ("hangup", "transfer",
     * "dtmf") with its target or digits, or bridge incidents ("reconnected", "transfer-failed", "bot-errors").
     */
    void action(String callId, String action, String detail);

    /**
     * The far end refused the REFER for the bot's transfer to {@code uri} itself (no NOTIFY follows); the owner
     * may reach the target another way.
     */
    default void referRefused(String callId, String uri, int sipStatus) {
        action(callId, "transfer-failed", uri + " " + sipStatus);
    }

    /** The bot asked for an attended transfer step (BotCommand.Consult); an owner without one records the refusal. */
    default void consult(String callId, String action, String to, String method, String hold) {
        action(callId, "consult-refused", "consult " + action + ": attended transfer is not available on this bridge");
    }

    /** The bot handed the call back with its output context (a JSON object); the owner decides what follows. */
    default void returned(String callId, String outputContextJson) {
    }

    /**
     * The bot is done with a call whose far end, not Patchbay, sends the BYE (see {@link BridgeTarget.FarEnd}):
     * it sent agent_response, hangup or a final INFO, or closed or lost its socket. The call stays up.
     * Called at most once per bridge.
     *
     * @param propertiesJson the bot's agent_response properties, or null when it gave none
     */
    default void handedBack(String callId, String propertiesJson, String why) {
    }
}
