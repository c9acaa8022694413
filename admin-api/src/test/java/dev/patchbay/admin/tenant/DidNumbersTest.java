package dev.patchbay.admin.tenant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DidNumbersTest {

    @ParameterizedTest
    @CsvSource({
            "+14155550100, +14155550100",
            "+12, +12",
            "+123456789012345, +123456789012345",
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
}
