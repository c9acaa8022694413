package dev.patchbay.control.wss;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Twilio-dialect extensions for far ends that end calls themselves: Ameyo's agent_response, RingCX's INFO. */
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
