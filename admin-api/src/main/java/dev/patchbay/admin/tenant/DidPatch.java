package dev.patchbay.admin.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/**
 * A valid {@code PATCH /v1/workspaces/{id}/dids/{did}} body: another bot, and/or the early-media
 * override (V14), where {@code "early_media": null} clears the override back to the bot's choice.
 *
 * @param botId          the new bot, or null to keep it
 * @param setsEarlyMedia whether the override changes; {@code earlyMedia} null then clears it
 */
public record DidPatch(String botId, boolean setsEarlyMedia, EarlyMediaChoice earlyMedia) {

    static final List<String> FIELDS = List.of("bot_id", EarlyMediaChoice.MODE, EarlyMediaChoice.CLIP);

    static DidPatch parse(JsonBody body) {
        Optional<String> botId = body.string("bot_id");
        Optional<String> mode = body.string(EarlyMediaChoice.MODE);
        Optional<String> clip = body.string(EarlyMediaChoice.CLIP);
        body.requireShape();
        boolean sets = body.node().has(EarlyMediaChoice.MODE);
        List<FieldError> errors = new ArrayList<>();
        if (botId.isEmpty() && !sets) {
            errors.add(new FieldError("bot_id", "is required unless early_media changes"));
        }
        if (botId.isPresent() && botId.get().isBlank()) {
            errors.add(new FieldError("bot_id", "must not be blank"));
        }
        EarlyMediaChoice early = EarlyMediaChoice.parseOverride(mode, clip, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the DID change is not valid", errors);
        }
        return new DidPatch(botId.orElse(null), sets, early);
    }
}
