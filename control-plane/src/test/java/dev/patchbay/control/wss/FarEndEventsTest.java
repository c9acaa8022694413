package dev.patchbay.control.wss;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dialect extensions for far ends that end calls themselves: Ameyo's agent_response, RingCX's INFO. */
class FarEndEventsTest {

    private final TwilioDialect twilio = new TwilioDialect(Codecs.target("twilio", 8000));

    @Test
    void agentResponseCarriesThePropertiesObjectAsGiven() {
        BotCommand.AgentResponse a = assertInstanceOf(BotCommand.AgentResponse.class, twilio.text(
                "{\"event\":\"agent_response\",\"agent_response\":{\"properties\":{\"did\":\"0091\",\"n\":3,\"ok\":true}}}"));
        assertEquals("{\"did\":\"0091\",\"n\":3,\"ok\":true}", a.propertiesJson());
        assertEquals("{}", assertInstanceOf(BotCommand.AgentResponse.class,
                twilio.text("{\"event\":\"agent_response\"}")).propertiesJson(), "properties are optional");
        assertInstanceOf(BotCommand.Invalid.class,
                twilio.text("{\"event\":\"agent_response\",\"agent_response\":{\"properties\":[1]}}"));
    }

    @Test
    void infoKeepsItsJsonAndReadsTheFinalFlag() {
        BotCommand.Info i = assertInstanceOf(BotCommand.Info.class,
                twilio.text("{\"event\":\"info\",\"info\":{\"intent\":\"billing\",\"final\":false}}"));
        assertEquals("{\"intent\":\"billing\",\"final\":false}", i.json());
        assertTrue(!i.isFinal());
        assertTrue(assertInstanceOf(BotCommand.Info.class, twilio.text("{\"event\":\"info\",\"info\":{\"final\":true}}")).isFinal());
        assertTrue(!assertInstanceOf(BotCommand.Info.class,
                twilio.text("{\"event\":\"info\",\"info\":{\"final\":\"true\"}}")).isFinal(), "only the JSON boolean counts");
        assertInstanceOf(BotCommand.Invalid.class, twilio.text("{\"event\":\"info\",\"info\":\"text\"}"));
    }

    @Test
    void everyDialectCarriesTheInfoAndItsFinalFlag() {
        JambonzDialect jambonz = new JambonzDialect(Codecs.target("jambonz", 8000));
        PlivoDialect plivo = new PlivoDialect(Codecs.target("plivo", 8000));
        BotCommand.Info j = assertInstanceOf(BotCommand.Info.class,
                jambonz.text("{\"type\":\"info\",\"data\":{\"intent\":\"billing\",\"final\":true}}"));
        assertEquals("{\"intent\":\"billing\",\"final\":true}", j.json());
        assertTrue(j.isFinal());
        BotCommand.Info p = assertInstanceOf(BotCommand.Info.class,
                plivo.text("{\"event\":\"info\",\"info\":{\"intent\":\"billing\"}}"));
        assertEquals("{\"intent\":\"billing\"}", p.json());
        assertTrue(!p.isFinal());
        assertInstanceOf(BotCommand.Invalid.class, jambonz.text("{\"type\":\"info\",\"data\":\"text\"}"));
        assertInstanceOf(BotCommand.Invalid.class, plivo.text("{\"event\":\"info\"}"));
    }

    @Test
    void refusalsReachTheBotAsAnErrorEvent() {
        assertEquals("{\"event\":\"error\",\"error\":{\"event\":\"info\",\"message\":\"too \\\"big\\\"\"}}",
                FarEndSide.error("info", "too \"big\""));
    }

    @Test
    void bridgesWithoutAFarEndAreEndedByPatchbay() {
        assertEquals(BridgeTarget.FarEnd.GATEWAY, Codecs.target("twilio", 8000).farEnd());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BridgeTarget.FarEnd(BridgeTarget.Ending.FAR_END, -1));
    }
}
