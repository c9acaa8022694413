package dev.patchbay.control.integration.asapp;

import java.time.Duration;

import dev.patchbay.control.delivery.ConfigDurations;
import io.helidon.config.Config;

/**
 * {@code patchbay.asapp.*}; defaults live in application.yaml.
 *
 * @param sipUriTemplate     the destination SIP URI a created transfer reports; {@code {id}} becomes the transfer id
 * @param transferTtl        how long an ACTIVE transfer waits for its INVITE before it is EXPIRED
 * @param bot                the bot id that takes transferred calls whose Request-URI user is not a DID of the
 *                           transfer's workspace; empty = only DIDs route
 * @param returnTransferType the return used when a transfer names none (seed 004: "configured as part of your
 *                           static setup")
 */
public record AsappConfig(String sipUriTemplate, Duration transferTtl, String bot, CallTransfer.ReturnType returnTransferType) {

    public static AsappConfig from(Config root) {
        Config a = root.get("patchbay.asapp");
        String type = a.get("return-transfer-type").asString().orElse("BYE").strip();
        CallTransfer.ReturnType parsed = CallTransfer.ReturnType.parse(type)
                .orElseThrow(() -> new IllegalStateException("patchbay.asapp.return-transfer-type is '" + type
                        + "'; set BYE, REFER or INVITE"));
        Duration ttl = ConfigDurations.get(root, "patchbay.asapp.transfer-ttl", Duration.ofMinutes(10));
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalStateException("patchbay.asapp.transfer-ttl must be positive, e.g. PT10M");
        }
        return new AsappConfig(a.get("sip-uri-template").asString().orElse("sip:{id}@127.0.0.1:5060"), ttl,
                a.get("bot").asString().orElse("").strip(), parsed);
    }

    /** Where the contact centre sends the call for transfer {@code id}. */
    public String destinationUri(String id) {
        return sipUriTemplate.replace("{id}", id);
    }
}
