package dev.patchbay.admin.tenant;

import java.util.List;
import java.util.Optional;

import dev.patchbay.rest.FieldError;

/**
 * A bot's own timeouts (V12), each null to keep the control-plane's global setting.
 *
 * @param connectMs how long a {@code wss} bot's WebSocket may take to open
 * @param answerMs  how long a {@code webhook} bot may take to answer
 */
public record BotTimeouts(Integer connectMs, Integer answerMs) {

    public static final BotTimeouts NONE = new BotTimeouts(null, null);
    static final String CONNECT = "connect_timeout_ms";
    static final String ANSWER = "answer_timeout_ms";
    static final int MIN_MS = 100;
    static final int MAX_MS = 30_000;

    /** Judges both against the bot's kind; a null kind (itself an error) skips the kind rule. */
    static BotTimeouts parse(BotKind kind, Optional<Long> connect, Optional<Long> answer, List<FieldError> errors) {
        return new BotTimeouts(one(CONNECT, BotKind.WSS, kind, connect, errors),
                one(ANSWER, BotKind.WEBHOOK, kind, answer, errors));
    }

    private static Integer one(String field, BotKind appliesTo, BotKind kind, Optional<Long> given,
                               List<FieldError> errors) {
        if (given.isEmpty()) {
            return null;
        }
        long ms = given.get();
        if (kind != null && kind != appliesTo) {
            errors.add(new FieldError(field, "applies only to " + appliesTo.wire() + " bots; remove it for a "
                    + kind.wire() + " bot"));
            return null;
        }
        if (ms < MIN_MS || ms > MAX_MS) {
            errors.add(new FieldError(field, "must be " + MIN_MS + " to " + MAX_MS + " milliseconds"));
            return null;
        }
        return (int) ms;
    }
}
