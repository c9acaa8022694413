package dev.patchbay.control.integration.ameyo;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.patchbay.control.model.AmeyoTag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any From display name a caller sends (the media-plane passes it on as received): {@link AmeyoDisplay#parse}
 * gives a tag or names what is malformed, never throws; a tag's DID is 3-20 digits, its E.164 form is that
 * DID with 00 turned into +, and its CRT Object ID is 1-128 visible ASCII characters without '|', as the
 * JSON body and SIP reasons it goes into require. Regression inputs:
 * src/test/resources/dev/patchbay/control/integration/ameyo/AmeyoDisplayFuzzTestInputs/.
 */
class AmeyoDisplayFuzzTest {

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void parse(byte[] display) {
        AmeyoDisplay.Parsed parsed = AmeyoDisplay.parse(new String(display, StandardCharsets.UTF_8));
        switch (parsed) {
            case AmeyoDisplay.Parsed.Malformed m -> assertNotNull(m.reason());
            case AmeyoDisplay.Parsed.Ok ok -> {
                AmeyoTag tag = ok.tag();
                assertTrue(tag.didRaw().matches("[0-9]{3,20}"), tag.didRaw());
                assertEquals(tag.didRaw().startsWith("00") && tag.didRaw().length() > 3
                        ? "+" + tag.didRaw().substring(2) : tag.didRaw(), tag.did());
                assertTrue(tag.crt().matches("[!-{}~]{1,128}"), tag.crt());
            }
        }
    }
}
