package dev.patchbay.agents.calls;

import java.util.Optional;

import dev.patchbay.agents.numbers.PhoneNumbers;
import dev.patchbay.rest.ProblemException;

/**
 * What an agent may dial, judged like number validation judges it (libphonenumber through
 * {@link PhoneNumbers}): valid or not, its country and type (which pick the rate), and whether it
 * is an emergency or premium-rate number, which an unattended agent must never dial.
 */
public final class Destinations {

    /** A parsed destination; {@code type} is the seed's type name ("mobile", "landline", …), "unknown" if invalid. */
    public record Destination(String e164, String country, String type, boolean valid, boolean emergency, boolean premium) {

        /** The type that picks the rate-table price. */
        public String rateType() {
            return type;
        }
    }

    /** Empty when {@code number} cannot be parsed as an international number at all. */
    public Optional<Destination> parse(String number) {
        try {
            PhoneNumbers.Info i = PhoneNumbers.lookup(PhoneNumbers.parse(number, null, "to_number"));
            return Optional.of(new Destination(i.e164(), i.country(), i.type() == null ? "unknown" : i.type(), i.valid(),
                    i.emergency(), i.premium()));
        } catch (ProblemException notANumber) {
            return Optional.empty();
        }
    }
}
