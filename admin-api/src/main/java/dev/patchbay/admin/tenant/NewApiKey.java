package dev.patchbay.admin.tenant;

import java.util.ArrayList;
import java.util.List;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/** A valid {@code POST /v1/workspaces/{id}/api-keys} body: only a name to tell keys apart; the secret is generated. */
public record NewApiKey(String name) {

    static final List<String> FIELDS = List.of("name");

    public static NewApiKey parse(JsonBody body) {
        var name = body.string("name");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        String n = Values.name(name, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the API key is not valid", errors);
        }
        return new NewApiKey(n);
    }
}
