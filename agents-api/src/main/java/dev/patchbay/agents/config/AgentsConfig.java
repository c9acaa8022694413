package dev.patchbay.agents.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.patchbay.control.app.ControlConfig;
import dev.patchbay.control.delivery.ConfigDurations;
import dev.patchbay.control.quality.QualityConfig;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * Settings of the agents' calling API ({@code patchbay.agents} in application.yaml): limits,
 * wallet pricing and the rate table.
 *
 * @param sessionTtl         how long a session token stays valid
 * @param callsPerHour       calls a session may place per hour
 * @param maxCallDuration    the longest call, in seconds; a request may ask for less
 * @param requestsPerHour    API requests per key per hour before 429
 * @param minutePriceUsd     the price of one minute used to show a balance in minutes
 * @param lowBalanceMinutes  {@code balance.low} fires when a debit leaves fewer minutes than this
 * @param billingIncrement   calls are billed per started increment (60 s: per started minute)
 * @param usdTo              the value of one US dollar in each supported currency
 * @param rates              per-minute prices by destination prefix, in US dollars
 * @param publicUrl          how clients reach this control-plane, for URLs in responses
 * @param defaultCallerId    the caller ID of calls whose request names none; empty for none
 * @param baseDelayMs        the one-way delay the gateway adds (packetisation, jitter buffer), for MOS
 *                           ({@code patchbay.quality.base-delay-ms}, shared with every call's record)
 * @param jobPollInterval    how often each replica looks for due batch, scheduled and queued calls
 * @param keyOverlap         how long a rotated API key keeps working beside its successor
 * @param sweepInterval      how often each replica looks for wallet reservations a crash left held
 * @param sweepGrace         how old a held reservation must be before the sweeper settles or releases it
 */
public record AgentsConfig(Duration sessionTtl, int callsPerHour, int maxCallDuration, int requestsPerHour,
                           double minutePriceUsd, int lowBalanceMinutes, int billingIncrement,
                           Map<String, Double> usdTo, List<Rate> rates, String publicUrl,
                           String defaultCallerId, double baseDelayMs, Duration jobPollInterval,
                           Duration keyOverlap, Duration sweepInterval, Duration sweepGrace) {

    /** One line of the rate table: a prefix such as "+1" or "+9198", its country and prices. */
    public record Rate(String prefix, String country, double mobileUsd, double landlineUsd) { }

    /** The shipped application.yaml alone (the control-plane's, the process this API is mounted in). */
    public static AgentsConfig defaults() {
        return from(ShippedDefaults.root(ControlConfig.class));
    }

    /** Every key must be set; the shipped application.yaml sets them all, so a missing one fails start-up naming it. */
    public static AgentsConfig from(Config root) {
        String p = "patchbay.agents.";
        Config c = root.get("patchbay.agents");
        Map<String, Double> currencies = new TreeMap<>();
        c.get("currencies").asMap().get()
                .forEach((k, v) -> currencies.put(k.substring(k.lastIndexOf('.') + 1), Double.parseDouble(v)));
        if (!currencies.containsKey("USD")) {
            // Rates are in US dollars; every other currency is priced against it.
            throw new IllegalStateException(p + "currencies.USD is missing: set it to 1.0 beside the other currencies");
        }
        List<Rate> rates = new ArrayList<>();
        for (Config r : c.get("rates").asNodeList().get()) {
            rates.add(new Rate(r.get("prefix").asString().get(), r.get("country").asString().get(),
                    r.get("mobile").asDouble().get(), r.get("landline").asDouble().get()));
        }
        return new AgentsConfig(ConfigDurations.require(root, p + "session-ttl"),
                c.get("calls-per-hour").asInt().get(), c.get("max-call-duration").asInt().get(),
                c.get("requests-per-hour").asInt().get(), c.get("minute-price").asDouble().get(),
                c.get("low-balance-minutes").asInt().get(), c.get("billing-increment").asInt().get(),
                Map.copyOf(currencies), List.copyOf(rates), c.get("public-url").asString().get(),
                c.get("default-caller-id").asString().get(), QualityConfig.from(root).baseDelayMs(),
                ConfigDurations.require(root, p + "jobs.poll-interval"), ConfigDurations.require(root, p + "key-overlap"),
                ConfigDurations.require(root, p + "wallet.sweep-interval"),
                ConfigDurations.require(root, p + "wallet.sweep-grace"));
    }
}
