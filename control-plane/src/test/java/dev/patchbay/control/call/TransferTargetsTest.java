package dev.patchbay.control.call;

import dev.patchbay.control.store.Tenants;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Seed 001's blind transfer targets: sip: and tel: URIs as given, E.164 as tel:, and tel: bridged over a trunk. */
class TransferTargetsTest {

    @Test
    void sipAndTelUrisPassAndE164BecomesTel() {
        assertEquals("sip:agent@pbx.example.com;transport=tcp", CallActions.referTo("sip:agent@pbx.example.com;transport=tcp"));
        assertEquals("tel:+14155550123", CallActions.referTo("tel:+14155550123"));
        assertEquals("tel:+14155550123;phone-context=x", CallActions.referTo("tel:+14155550123;phone-context=x"));
        assertEquals("tel:+14155550123", CallActions.referTo("+14155550123"));
        CallActions.Refused bad = assertThrows(CallActions.Refused.class, () -> CallActions.referTo("4155550123"));
        assertEquals("to", bad.field());
        assertThrows(CallActions.Refused.class, () -> CallActions.referTo("sip:nohost"));
        assertThrows(CallActions.Refused.class, () -> CallActions.referTo("tel:"));
    }

    @Test
    void aTelTargetIsBridgedToTheNumberAtTheOutboundTrunk() {
        Tenants.Trunk udp = new Tenants.Trunk("tr", "carrier.example", 5060, "udp", null, null, null, true);
        Tenants.Trunk tcp = new Tenants.Trunk("tr", "carrier.example", 5080, "TCP", null, null, null, true);
        assertEquals("sip:+14155550123@carrier.example:5060", CallActions.telOverTrunk("tel:+14155550123;x=1", udp));
        assertEquals("sip:+14155550123@carrier.example:5080;transport=tcp", CallActions.telOverTrunk("tel:+14155550123", tcp));
    }
}
