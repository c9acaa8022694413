package dev.patchbay.agents.wallet;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.agents.config.AgentsConfig;

/**
 * Per-minute prices by destination prefix, longest prefix first, as carriers rate calls. Prices are
 * configured in US dollars and converted with the configured exchange values.
 */
public final class RateTable {

    /** A destination's price per minute in one currency. */
    public record Price(String prefix, String country, String type, long microsPerMinute, String currency) { }

    private final List<AgentsConfig.Rate> rates;
    private final Map<String, Double> usdTo;

    public RateTable(AgentsConfig config) {
        this.rates = config.rates().stream().sorted(Comparator.comparingInt((AgentsConfig.Rate r) -> r.prefix().length())
                .reversed()).toList();
        this.usdTo = config.usdTo();
    }

    public boolean supports(String currency) {
        return usdTo.containsKey(currency);
    }

    /** The price of a call to {@code e164} of a libphonenumber type ("mobile", "landline", ...); empty if unrated. */
    public Optional<Price> price(String e164, String type, String currency) {
        return rates.stream().filter(r -> e164.startsWith(r.prefix())).findFirst()
                .map(r -> new Price(r.prefix(), r.country(), type, convert(mobile(type) ? r.mobileUsd() : r.landlineUsd(),
                        currency), currency));
    }

    /** The rates for one ISO country, mobile and landline; empty if the table has none. */
    public Optional<AgentsConfig.Rate> country(String iso) {
        return rates.stream().filter(r -> r.country().equalsIgnoreCase(iso)).min(Comparator.comparingInt(r -> r.prefix().length()));
    }

    public long convert(double usd, String currency) {
        Double factor = usdTo.get(currency);
        if (factor == null) {
            throw new IllegalArgumentException("currency " + currency + " is not configured under patchbay.agents.currencies");
        }
        return Money.micros(usd * factor);
    }

    /** Mobile prices apply to mobile numbers and to numbers that may be either; everything else is landline. */
    private static boolean mobile(String type) {
        return "mobile".equals(type) || "fixed_line_or_mobile".equals(type) || "pager".equals(type);
    }
}
