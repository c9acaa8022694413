package dev.patchbay.agents.wallet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.config.AgentsConfig;
import dev.patchbay.rest.ApiJson;

/** How a balance is shown: in currency and in minutes at the configured reference minute price. */
public final class Wallet {

    private final Ledger ledger;
    private final RateTable rates;
    private final AgentsConfig config;

    public Wallet(Ledger ledger, RateTable rates, AgentsConfig config) {
        this.ledger = ledger;
        this.rates = rates;
        this.config = config;
    }

    public Ledger ledger() {
        return ledger;
    }

    public RateTable rates() {
        return rates;
    }

    /** The reference price of one minute in {@code currency}. */
    public long minutePrice(String currency) {
        return rates.convert(config.minutePriceUsd(), currency);
    }

    public long minutes(long micros, String currency) {
        return Math.max(0, micros) / minutePrice(currency);
    }

    /** {@code {"minutes":…, "currency":…, "value":…}} as the seed shows balances. */
    public ObjectNode view(long micros, String currency) {
        ObjectNode o = ApiJson.object().put("minutes", minutes(micros, currency)).put("currency", currency);
        o.put("value", Money.value(micros));
        return o;
    }

    public ObjectNode balance(String sessionId, String currency) {
        return view(ledger.balance(sessionId), currency);
    }
}
