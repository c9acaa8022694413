package dev.patchbay.admin.tenant;

import java.util.ArrayList;
import java.util.List;

import dev.patchbay.admin.app.FieldError;
import dev.patchbay.admin.app.JsonBody;
import dev.patchbay.admin.app.ProblemException;

/** A valid {@code POST /v1/workspaces} body. */
public record NewWorkspace(String name) {

    static final List<String> FIELDS = List.of("name");

    public static NewWorkspace parse(JsonBody body) {
        var name = body.string("name");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        String n = Values.name(name, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the workspace is not valid", errors);
        }
        return new NewWorkspace(n);
    }
}
