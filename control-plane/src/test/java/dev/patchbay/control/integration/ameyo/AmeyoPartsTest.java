package dev.patchbay.control.integration.ameyo;

import java.time.Duration;
import java.util.List;

import dev.patchbay.control.model.AmeyoTag;
import dev.patchbay.control.net.Cidrs;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seed 000's display format, the allow-list and the notification body, as pure values. */
class AmeyoPartsTest {

    @Test
    void theSeedsDisplaySplitsIntoDidInBothFormsAndCrt() {
        AmeyoDisplay.Parsed.Ok ok = assertInstanceOf(AmeyoDisplay.Parsed.Ok.class,
                AmeyoDisplay.parse("\"00919990152080|d444-69139d35-vce-daf-3883\""));
        assertEquals(new AmeyoTag("+919990152080", "00919990152080", "d444-69139d35-vce-daf-3883"), ok.tag());
        assertEquals("4155550100", assertInstanceOf(AmeyoDisplay.Parsed.Ok.class,
                AmeyoDisplay.parse("4155550100|x")).tag().did(), "a national number stays as given");
        assertInstanceOf(AmeyoDisplay.Parsed.Malformed.class, AmeyoDisplay.parse("a|b|c"));
        assertInstanceOf(AmeyoDisplay.Parsed.Malformed.class, AmeyoDisplay.parse(""));
    }

    @Test
    void allowListsMatchCidrsAndBareAddressesOfEitherFamily() {
        List<String> list = List.of("203.0.113.0/28", "198.51.100.7", "2001:db8::/32");
        assertTrue(Cidrs.contains(list, "203.0.113.15"));
        assertFalse(Cidrs.contains(list, "203.0.113.16"));
        assertTrue(Cidrs.contains(list, "198.51.100.7"));
        assertFalse(Cidrs.contains(list, "198.51.100.8"));
        assertTrue(Cidrs.contains(list, "2001:db8:1::5"));
        assertFalse(Cidrs.contains(list, "2001:db9::5"));
        assertFalse(Cidrs.contains(list, ""), "an unknown source is never allowed");
        assertFalse(Cidrs.contains(list, "ameyo.example"), "names are not resolved");
        assertTrue(Cidrs.contains(List.of("0.0.0.0/0"), "8.8.8.8"));
        assertTrue(Cidrs.problem("10.0.0.0/33").isPresent());
        assertTrue(Cidrs.problem("10.0.0.0/8").isEmpty());
    }

    @Test
    void theBodyIsExactlyTheSeedsWithTheBotsPropertiesOverTheConfiguredOnes() {
        AmeyoIntegration.Settings config = new AmeyoIntegration.Settings("ws", List.of(), "https://a.example/n", null, null, "95",
                "{\"campaign\":\"inbound\",\"did\":\"cfg\"}", Duration.ofMinutes(1));
        assertEquals("{\"notificationId\":\"95\",\"uniqueId\":\"d444-69139d35-vce-daf-3883\",\"callResponse\":true,"
                + "\"sessionId\":\"na\",\"properties\":{\"campaign\":\"inbound\",\"did\":\"0091\",\"n\":3}}",
                AmeyoNotifier.body(config, "d444-69139d35-vce-daf-3883", "{\"did\":\"0091\",\"n\":3}"));
        assertEquals("{\"notificationId\":\"95\",\"uniqueId\":\"c\",\"callResponse\":true,\"sessionId\":\"na\","
                + "\"properties\":{\"campaign\":\"inbound\",\"did\":\"cfg\"}}", AmeyoNotifier.body(config, "c", null));
    }
}
