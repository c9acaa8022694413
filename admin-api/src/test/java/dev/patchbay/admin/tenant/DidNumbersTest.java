package dev.patchbay.admin.tenant;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DidNumbersTest {

    @ParameterizedTest
    @CsvSource({
            "+14155550100, +14155550100",
            "+442079460000, +442079460000",
            "+33123456789, +33123456789",
            "00919990152080, +919990152080",
            "' +4930123456 ', +4930123456",
            "echo, echo",
            "1000, 1000",
            "0800123456, 0800123456",
            "sales.team-1, sales.team-1",
    })
    void normalises(String raw, String stored) {
        assertEquals(stored, DidNumbers.normalise(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "+1", "+0123", "+1234567890123456", "+1-415-555", "00", "000123", "00123456789012345678",
            "+12", "+123456789012345", "+15551234567", "+4412", "+999123456", "0015551234567",
            "a b", "user@host", "ü", "%41", ""})
    void rejects(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DidNumbers.normalise(raw));
        assertEquals(false, e.getMessage().isBlank());
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 65})
    void sipUserPartIsAtMost64Characters(int length) {
        String user = "u".repeat(length);
        if (length <= 64) {
            assertEquals(user, DidNumbers.normalise(user));
        } else {
            assertThrows(IllegalArgumentException.class, () -> DidNumbers.normalise(user));
        }
    }

    @ParameterizedTest
    @CsvSource({
            "+15551234567, no number of United States",
            "+999123456, does not start with a country calling code",
            "+4412, too short",
            "0015551234567, '0015551234567' is not a valid phone number",
    })
    void wellFormedButUnallocatedNumbersSayWhy(String raw, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DidNumbers.normalise(raw));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "+442079460000, GB",
            "+14155550100, US",
            "+16135550123, CA",
            "+919990152080, IN",
            "+33123456789, FR",
            "+80012345678, ''",
            "+4411, ''",
            "echo, ''",
            "004930123456, ''",
    })
    void countryIsLibphonenumbersRegionOfAnE164Number(String number, String country) {
        assertEquals(country.isEmpty() ? Optional.empty() : Optional.of(country), DidNumbers.country(number));
    }
}
