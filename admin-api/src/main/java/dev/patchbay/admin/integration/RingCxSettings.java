package dev.patchbay.admin.integration;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/**
 * A valid {@code PUT /v1/workspaces/{id}/integrations/ringcx} body (seed 002). Both fields are optional
 * and default as shown; an empty object turns RingCX behaviour on for the workspace's calls.
 *
 * @param infoMaxBytes      the largest INFO body a bot may send; the media-plane's own limit is 8 KiB
 * @param byeTimeoutSeconds how long after the final INFO RingCX may take to send its BYE
 */
public record RingCxSettings(int infoMaxBytes, int byeTimeoutSeconds) {

    static final List<String> FIELDS = List.of("info_max_bytes", "bye_timeout_seconds");
    static final int MEDIA_PLANE_INFO_LIMIT = 8192;

    static RingCxSettings parse(JsonBody body) {
        Optional<Long> info = body.integer("info_max_bytes");
        Optional<Long> bye = body.integer("bye_timeout_seconds");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        long i = info.orElse((long) MEDIA_PLANE_INFO_LIMIT);
        if (i < 2 || i > MEDIA_PLANE_INFO_LIMIT) {
            errors.add(new FieldError("info_max_bytes", "must be 2 to " + MEDIA_PLANE_INFO_LIMIT
                    + " (the media-plane sends no larger INFO)"));
        }
        long b = bye.orElse(60L);
        if (b < 1 || b > AmeyoSettings.MAX_BYE_TIMEOUT_SECONDS) {
            errors.add(new FieldError("bye_timeout_seconds", "must be 1 to " + AmeyoSettings.MAX_BYE_TIMEOUT_SECONDS));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the RingCX integration is not valid", errors);
        }
        return new RingCxSettings((int) i, (int) b);
    }
}
