package dev.patchbay.admin.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/** A valid {@code PATCH /v1/workspaces/{id}} body (JSON merge patch): only the fields given change. */
public record WorkspacePatch(Optional<String> name, Optional<Boolean> enabled) {

    static final List<String> FIELDS = List.of("name", "enabled");

    public static WorkspacePatch parse(JsonBody body) {
        Optional<String> name = body.string("name");
        Optional<Boolean> enabled = body.bool("enabled");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        String n = name.isPresent() ? Values.name(name, errors) : null;
        if (name.isEmpty() && enabled.isEmpty()) {
            errors.add(new FieldError("body", "must set name or enabled"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the workspace change is not valid", errors);
        }
        return new WorkspacePatch(Optional.ofNullable(n), enabled);
    }
}
