package dev.patchbay.admin.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;


/** A valid {@code POST /v1/workspaces/{id}/dids} body, with the number already normalised. */
public record NewDid(String number, String botId, EarlyMediaChoice earlyMedia) {

    static final List<String> FIELDS = List.of("number", "bot_id", EarlyMediaChoice.MODE, EarlyMediaChoice.CLIP);

    public static NewDid parse(JsonBody body) {
        Optional<String> number = body.string("number");
        Optional<String> botId = body.string("bot_id");
        Optional<String> earlyMedia = body.string(EarlyMediaChoice.MODE);
        Optional<String> earlyClip = body.string(EarlyMediaChoice.CLIP);
        body.requireShape();

        List<FieldError> errors = new ArrayList<>();
        String n = Values.required("number", number, errors);
        if (n != null) {
            try {
                n = DidNumbers.normalise(n);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("number", e.getMessage()));
            }
        }
        String b = Values.required("bot_id", botId, errors);
        EarlyMediaChoice early = EarlyMediaChoice.parseOverride(earlyMedia, earlyClip, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the DID is not valid", errors);
        }
        return new NewDid(n, b, early);
    }
}
