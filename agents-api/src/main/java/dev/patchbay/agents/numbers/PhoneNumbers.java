package dev.patchbay.agents.numbers;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToCarrierMapper;
import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.ShortNumberInfo;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;

/**
 * What libphonenumber knows about a number, offline: validity, country, type, carrier and time
 * zone. Shared by number validation and the address book so both judge numbers alike.
 */
public final class PhoneNumbers {

    /**
     * One looked-up number. {@code type} is a lower-case PhoneNumberType ("landline" for FIXED_LINE),
     * null when the number is invalid; {@code country} is null for non-geographic numbers (+800).
     */
    public record Info(boolean valid, String e164, String country, int countryCode, String nationalFormat, String type,
                       String carrier, boolean emergency, boolean premium, String timezone) { }

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final String UNKNOWN_ZONE = "Etc/Unknown";

    private PhoneNumbers() {
    }

    /**
     * Parses {@code raw}, in international form or national form for {@code region}.
     *
     * @throws ProblemException 422 naming {@code field} when it is not a phone number at all
     */
    public static PhoneNumber parse(String raw, String region, String field) {
        if (raw == null || raw.isBlank()) {
            throw ProblemException.invalid(field + " is required", List.of(new FieldError(field, "is required: a phone"
                    + " number in E.164 form, e.g. +14155551234")));
        }
        try {
            return UTIL.parse(raw.strip(), region == null ? "ZZ" : region.toUpperCase(Locale.ROOT));
        } catch (NumberParseException e) {
            String why = switch (e.getErrorType()) {
                case INVALID_COUNTRY_CODE -> "has no valid country code; write it in E.164 form, e.g. +14155551234";
                case TOO_SHORT_NSN, TOO_SHORT_AFTER_IDD -> "is too short to be a phone number";
                case TOO_LONG -> "is too long to be a phone number";
                default -> "is not a phone number; write it in E.164 form, e.g. +14155551234";
            };
            throw ProblemException.invalid(field + " " + why, List.of(new FieldError(field, why)));
        }
    }

    /** The valid number {@code raw} in E.164 form, or 422 naming {@code field}. */
    public static String e164(String raw, String field) {
        PhoneNumber n = parse(raw, null, field);
        if (!UTIL.isValidNumber(n)) {
            throw ProblemException.invalid(field + " is not a valid phone number", List.of(new FieldError(field,
                    "is not a valid number for its country code; write it in E.164 form, e.g. +14155551234")));
        }
        return UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164);
    }

    public static Info lookup(PhoneNumber n) {
        boolean valid = UTIL.isValidNumber(n);
        String region = UTIL.getRegionCodeForNumber(n);
        // An invalid number has no region of its own; its country code's main region still tells
        // which emergency and premium short codes apply (+1911 is 911 in the US).
        String codeRegion = region != null ? region : UTIL.getRegionCodeForCountryCode(n.getCountryCode());
        String country = PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(codeRegion)
                || "ZZ".equals(codeRegion) ? null : codeRegion;
        PhoneNumberUtil.PhoneNumberType t = valid ? UTIL.getNumberType(n) : PhoneNumberUtil.PhoneNumberType.UNKNOWN;
        ShortNumberInfo shortNumbers = ShortNumberInfo.getInstance();
        String nsn = UTIL.getNationalSignificantNumber(n);
        boolean emergency = country != null && shortNumbers.isEmergencyNumber(nsn, country);
        boolean premium = t == PhoneNumberUtil.PhoneNumberType.PREMIUM_RATE || country != null
                && shortNumbers.getExpectedCostForRegion(n, country) == ShortNumberInfo.ShortNumberCost.PREMIUM_RATE;
        String carrier = valid ? PhoneNumberToCarrierMapper.getInstance().getNameForValidNumber(n, Locale.ENGLISH) : "";
        return new Info(valid, UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164), country, n.getCountryCode(),
                UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.NATIONAL), valid ? type(t) : null,
                carrier.isEmpty() ? null : carrier, emergency, premium, valid ? timezone(n) : null);
    }

    /** The dialling code of an ISO country, e.g. 1 for US; 0 when libphonenumber does not know it. */
    public static int countryCode(String iso) {
        return UTIL.getCountryCodeForRegion(iso.toUpperCase(Locale.ROOT));
    }

    static String type(PhoneNumberUtil.PhoneNumberType t) {
        return t == PhoneNumberUtil.PhoneNumberType.FIXED_LINE ? "landline" : t.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The number's zone. Several candidates (a mobile range, a toll-free number) give one only when
     * they all keep the same time now, so the answer never misleads a caller about local time.
     */
    private static String timezone(PhoneNumber n) {
        List<String> zones = PhoneNumberToTimeZonesMapper.getInstance().getTimeZonesForNumber(n).stream()
                .filter(z -> !z.equals(UNKNOWN_ZONE) && ZoneId.getAvailableZoneIds().contains(z)).toList();
        if (zones.isEmpty()) {
            return null;
        }
        Instant now = Instant.now();
        var first = ZoneId.of(zones.getFirst()).getRules();
        boolean alike = zones.stream().map(z -> ZoneId.of(z).getRules()).allMatch(r -> r.getOffset(now).equals(first.getOffset(now))
                && r.isDaylightSavings(now) == first.isDaylightSavings(now)
                && java.util.Objects.equals(r.nextTransition(now), first.nextTransition(now)));
        return alike ? zones.getFirst() : null;
    }
}
