package dev.patchbay.control.agents.calls;

import java.util.Locale;
import java.util.Optional;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.ShortNumberInfo;

/**
 * What libphonenumber says about a number an agent wants to call: valid or not, its country and
 * type (which pick the rate), and whether it is an emergency or premium-rate number, which an
 * unattended agent must never dial.
 */
public final class Destinations {

    /** A parsed destination; {@code type} is libphonenumber's type in lower case ("mobile", "fixed_line", …). */
    public record Destination(String e164, String country, String type, boolean valid, boolean emergency, boolean premium) {

        /** The rate-table and seed name of the type: FIXED_LINE is "landline". */
        public String rateType() {
            return type.equals("fixed_line") ? "landline" : type;
        }
    }

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final ShortNumberInfo shortNumbers = ShortNumberInfo.getInstance();

    /** Empty when {@code number} cannot be parsed as an international number at all. */
    public Optional<Destination> parse(String number) {
        PhoneNumber n;
        try {
            n = util.parse(number, "ZZ");
        } catch (NumberParseException e) {
            return Optional.empty();
        }
        String region = util.getRegionCodeForNumber(n);
        PhoneNumberUtil.PhoneNumberType type = util.getNumberType(n);
        boolean emergency = region != null && shortNumbers.isEmergencyNumber(
                util.getNationalSignificantNumber(n), region);
        return Optional.of(new Destination(util.format(n, PhoneNumberUtil.PhoneNumberFormat.E164),
                region == null ? null : region, type.name().toLowerCase(Locale.ROOT), util.isValidNumber(n), emergency,
                type == PhoneNumberUtil.PhoneNumberType.PREMIUM_RATE));
    }
}
