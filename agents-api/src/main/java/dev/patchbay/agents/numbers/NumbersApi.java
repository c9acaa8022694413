package dev.patchbay.agents.numbers;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.config.AgentsConfig;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.wallet.Money;
import dev.patchbay.agents.wallet.RateTable;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 003 §6: number validation and rates. Like a carrier lookup API, a number that parses but is
 * not valid is a 200 with {@code valid:false}; only input that is no phone number at all is 422.
 */
public final class NumbersApi {

    private final RateTable rates;

    public NumbersApi(RateTable rates) {
        this.rates = rates;
    }

    public void routing(HttpRules rules) {
        rules.post(AgentAuth.PREFIX + "/numbers/validate", this::validate)
                .get(AgentAuth.PREFIX + "/numbers/rates", this::rates);
    }

    /** What {@code /numbers/validate} answers for one number: the seed's fields, nulls where unknown. */
    public ObjectNode describe(PhoneNumbers.Info info, String currency) {
        Optional<RateTable.Price> price = info.valid() ? rates.price(info.e164(), info.type(), currency) : Optional.empty();
        ObjectNode out = ApiJson.object().put("valid", info.valid()).put("phone_number", info.e164())
                .put("country", info.country()).put("country_code", "+" + info.countryCode())
                .put("national_format", info.nationalFormat()).put("type", info.type()).put("carrier", info.carrier())
                .put("is_callable", callable(info, price.isPresent()))
                .put("is_emergency", info.emergency()).put("is_premium", info.premium());
        price.ifPresentOrElse(p -> out.putObject("estimated_rate").put("per_minute", money(p.microsPerMinute()))
                .put("currency", p.currency()), () -> out.putNull("estimated_rate"));
        out.put("timezone", info.timezone());
        return out;
    }

    /**
     * What calls/initiate accepts: a valid, rated number that is neither an emergency service (those
     * need a real line) nor premium-rate (toll fraud), which an unattended agent must never dial.
     */
    public static boolean callable(PhoneNumbers.Info info, boolean rated) {
        return info.valid() && !info.emergency() && !info.premium() && rated;
    }

    private void validate(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, List.of("phone_number", "country_code", "currency"));
        Optional<String> number = body.string("phone_number");
        Optional<String> region = body.string("country_code");
        Optional<String> bodyCurrency = body.string("currency");
        body.requireShape();
        String currency = currency(bodyCurrency.or(() -> req.query().first("currency").asOptional()));
        if (region.isPresent() && PhoneNumbers.countryCode(region.get()) == 0) {
            throw ProblemException.invalid("country_code is not a country libphonenumber knows",
                    List.of(new FieldError("country_code", "must be an ISO 3166 two-letter country, e.g. US; it is only"
                            + " needed for numbers in national form")));
        }
        PhoneNumbers.Info info = PhoneNumbers.lookup(PhoneNumbers.parse(number.orElse(null), region.orElse(null),
                "phone_number"));
        ApiJson.send(res, Status.OK_200, describe(info, currency));
    }

    private void rates(ServerRequest req, ServerResponse res) {
        String iso = req.query().first("country_code").orElse("").strip().toUpperCase(Locale.ROOT);
        String currency = currency(req.query().first("currency").asOptional());
        if (!iso.matches("[A-Z]{2}")) {
            throw ProblemException.invalid("country_code is required", List.of(new FieldError("country_code",
                    "is required: an ISO 3166 two-letter country, e.g. US")));
        }
        AgentsConfig.Rate rate = rates.country(iso).orElseThrow(() -> ProblemException.notFound("there are no rates"
                + " for country " + iso + "; calls there cannot be placed", "country_code"));
        ObjectNode out = ApiJson.object().put("country", Locale.of("", iso).getDisplayCountry(Locale.ENGLISH))
                .put("country_code", iso).put("dial_prefix", rate.prefix());
        ObjectNode byType = out.putObject("rates");
        byType.putObject("mobile").put("per_minute", money(rates.convert(rate.mobileUsd(), currency)))
                .put("currency", currency);
        byType.putObject("landline").put("per_minute", money(rates.convert(rate.landlineUsd(), currency)))
                .put("currency", currency);
        ApiJson.send(res, Status.OK_200, out);
    }

    /** A price as plain decimals: 10, not 1E+1. */
    private static java.math.BigDecimal money(long micros) {
        java.math.BigDecimal v = Money.value(micros);
        return v.scale() < 0 ? v.setScale(0) : v;
    }

    private String currency(Optional<String> given) {
        String c = given.map(s -> s.strip().toUpperCase(Locale.ROOT)).orElse("USD");
        if (!rates.supports(c)) {
            throw ProblemException.invalid("currency " + c + " is not supported", List.of(new FieldError("currency",
                    "must be a configured currency, e.g. USD or INR")));
        }
        return c;
    }
}
