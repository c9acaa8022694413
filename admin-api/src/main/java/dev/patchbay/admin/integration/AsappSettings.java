package dev.patchbay.admin.integration;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/**
 * A valid {@code PUT /v1/workspaces/{id}/integrations/asapp} body (seed 004). Every field is optional;
 * one left out falls back to the gateway's {@code patchbay.asapp.*} setting. The ASAPP side
 * authenticates with the workspace id and one of its provider API keys, so nothing here is secret.
 *
 * @param botId              the bot for transferred calls whose Request-URI user is no DID of the workspace
 * @param transferTtlSeconds how long a created transfer waits for its INVITE before it expires
 * @param returnTransferType the return a transfer gets when it names none: BYE or REFER
 */
public record AsappSettings(String botId, Integer transferTtlSeconds, String returnTransferType) {

    static final List<String> FIELDS = List.of("bot_id", "transfer_ttl_seconds", "default_return_transfer_type");
    private static final Set<String> RETURNS = Set.of("BYE", "REFER");

    static AsappSettings parse(JsonBody body) {
        Optional<String> bot = body.string("bot_id");
        Optional<Long> ttl = body.integer("transfer_ttl_seconds");
        Optional<String> type = body.string("default_return_transfer_type");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        if (bot.isPresent() && bot.get().isBlank()) {
            errors.add(new FieldError("bot_id", "must name a bot of this workspace, or be left out"));
        }
        if (ttl.isPresent() && (ttl.get() < 60 || ttl.get() > 86_400)) {
            errors.add(new FieldError("transfer_ttl_seconds", "must be 60 to 86400"));
        }
        if (type.isPresent() && !RETURNS.contains(type.get())) {
            errors.add(new FieldError("default_return_transfer_type", "must be BYE or REFER"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the ASAPP integration is not valid", errors);
        }
        return new AsappSettings(bot.map(String::strip).orElse(null), ttl.map(Long::intValue).orElse(null),
                type.orElse(null));
    }
}
