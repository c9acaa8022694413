package dev.patchbay.control.integration.asapp;

import java.time.Duration;

import dev.patchbay.control.delivery.ConfigDurations;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * {@code patchbay.asapp.*}; defaults live only in application.yaml.
 *
 * @param sipUriTemplate     the destination SIP URI a created transfer reports; {@code {id}} becomes the transfer id
 * @param transferTtl        how long an ACTIVE transfer waits for its INVITE before it is EXPIRED
 * @param bot                the bot id that takes transferred calls whose Request-URI user is not a DID of the
 *                           transfer's workspace; empty = only DIDs route
 * @param returnTransferType the return used when a transfer names none (seed 004: "configured as part of your
 *                           static setup")
 * @param requireInboundTrunk whether a transferred INVITE must pass one of the workspace's inbound trunks
 */
public record AsappConfig(String sipUriTemplate, Duration transferTtl, String bot, CallTransfer.ReturnType returnTransferType,
                          boolean requireInboundTrunk) {

    /** The shipped application.yaml alone, without environment or system properties. */
    public static AsappConfig defaults() {
        return from(ShippedDefaults.root(AsappConfig.class));
    }

    /** Reads every setting; defaults live only in application.yaml. */
    public static AsappConfig from(Config root) {
        Config a = root.get("patchbay.asapp");
        String type = a.get("return-transfer-type").asString().get().strip();
        CallTransfer.ReturnType parsed = CallTransfer.ReturnType.parse(type)
                .orElseThrow(() -> new IllegalStateException("patchbay.asapp.return-transfer-type is '" + type
                        + "'; set BYE, REFER or INVITE"));
        Duration ttl = ConfigDurations.require(root, "patchbay.asapp.transfer-ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalStateException("patchbay.asapp.transfer-ttl must be positive, e.g. PT10M");
        }
        return new AsappConfig(a.get("sip-uri-template").asString().get(), ttl, a.get("bot").asString().get().strip(), parsed,
                a.get("require-inbound-trunk").asBoolean().get());
    }

    /** Where the contact centre sends the call for transfer {@code id}. */
    public String destinationUri(String id) {
        return sipUriTemplate.replace("{id}", id);
    }

    public AsappConfig withSipUriTemplate(String sipUriTemplate) {
        return new AsappConfig(sipUriTemplate, transferTtl, bot, returnTransferType, requireInboundTrunk);
    }

    public AsappConfig withTransferTtl(Duration transferTtl) {
        return new AsappConfig(sipUriTemplate, transferTtl, bot, returnTransferType, requireInboundTrunk);
    }

    public AsappConfig withBot(String bot) {
        return new AsappConfig(sipUriTemplate, transferTtl, bot, returnTransferType, requireInboundTrunk);
    }

    public AsappConfig withReturnTransferType(CallTransfer.ReturnType returnTransferType) {
        return new AsappConfig(sipUriTemplate, transferTtl, bot, returnTransferType, requireInboundTrunk);
    }

    public AsappConfig withRequireInboundTrunk(boolean requireInboundTrunk) {
        return new AsappConfig(sipUriTemplate, transferTtl, bot, returnTransferType, requireInboundTrunk);
    }
}
