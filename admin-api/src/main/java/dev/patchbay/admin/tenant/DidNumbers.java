package dev.patchbay.admin.tenant;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * What a DID may be: a valid E.164 number, or a SIP user part for trunks that dial names or
 * extensions ({@code sip:echo@host}). International numbers in {@code 00} form, as Ameyo sends
 * them, are stored in E.164 so that one number has one spelling in the unique index.
 * A number must be valid in its country's numbering plan (libphonenumber), not only well formed:
 * a typo such as a missing digit would otherwise be stored and silently never match a call.
 */
public final class DidNumbers {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final Pattern INTERNATIONAL_00 = Pattern.compile("00[0-9]*");
    // RFC 3261 "user" without escapes: unreserved and user-unreserved characters.
    private static final Pattern SIP_USER = Pattern.compile("[A-Za-z0-9\\-_.!~*'()&=+$,;?/]{1,64}");
    // Thread-safe and immutable once loaded; libphonenumber keeps one per JVM itself.
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private DidNumbers() {
    }

    /**
     * The number as stored.
     *
     * @throws IllegalArgumentException with a message that says what a valid number looks like
     */
    public static String normalise(String raw) {
        String s = raw.strip();
        if (s.startsWith("+")) {
            if (!E164.matcher(s).matches()) {
                throw new IllegalArgumentException("'" + s + "' is not E.164: '+', a country code starting 1-9,"
                        + " then digits only, 15 digits at most");
            }
            return requireValid(s, s);
        }
        if (INTERNATIONAL_00.matcher(s).matches()) {
            String e164 = "+" + s.substring(2);
            if (!E164.matcher(e164).matches()) {
                throw new IllegalArgumentException("'" + s + "' is an international number in 00 form, but '" + e164
                        + "' is not E.164: a country code starting 1-9, 15 digits at most");
            }
            return requireValid(s, e164);
        }
        if (!SIP_USER.matcher(s).matches()) {
            throw new IllegalArgumentException("must be an E.164 number (+14155550100), an international number"
                    + " in 00 form (004930123456), or a SIP user part of 1 to 64 letters, digits and -_.!~*'()&=+$,;?/");
        }
        return s;
    }

    /**
     * The ISO 3166 country of an E.164 number, as libphonenumber places it ({@code +442079460000} is
     * GB, {@code +14155550100} US); empty for SIP user parts, numbers no country's plan holds, and
     * non-geographic numbers (+800, +882), so a client never has to guess from the digits.
     */
    public static Optional<String> country(String number) {
        if (number == null || !E164.matcher(number).matches()) {
            return Optional.empty();
        }
        try {
            String region = PHONES.getRegionCodeForNumber(PHONES.parse(number, "ZZ"));
            return region == null || PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)
                    ? Optional.empty() : Optional.of(region);
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    private static String requireValid(String given, String e164) {
        PhoneNumber number;
        try {
            number = PHONES.parse(e164, "ZZ");
        } catch (NumberParseException e) {
            String why = e.getErrorType() == NumberParseException.ErrorType.INVALID_COUNTRY_CODE
                    ? "it does not start with a country calling code" : e.getMessage();
            throw new IllegalArgumentException("'" + given + "' is not a valid phone number: " + why);
        }
        if (!PHONES.isValidNumber(number)) {
            String region = PHONES.getRegionCodeForCountryCode(number.getCountryCode());
            String why = switch (PHONES.isPossibleNumberWithReason(number)) {
                case INVALID_COUNTRY_CODE -> "+" + number.getCountryCode() + " is not a country calling code";
                case TOO_SHORT, INVALID_LENGTH -> "it is too short for country code +" + number.getCountryCode();
                case TOO_LONG -> "it is too long for country code +" + number.getCountryCode();
                default -> "no number of " + regionName(region) + " (+" + number.getCountryCode()
                        + ") is allocated in that range";
            };
            throw new IllegalArgumentException("'" + given + "' is not a valid phone number: " + why);
        }
        return e164;
    }

    private static String regionName(String region) {
        return PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region) ? "that service"
                : new Locale.Builder().setRegion(region).build().getDisplayCountry(Locale.ENGLISH);
    }
}
