package dev.patchbay.control.webhookbot;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end-of-stream INFO (RingCX's final INFO) in each of the three answer forms, and what is refused. */
class AnswerParserInfoTest {

    private static final String FINAL = "{\"final\":true,\"intent\":\"agent\"}";
    private final AnswerParser parser = new AnswerParser(new ObjectMapper());

    private BotAnswer.Stream stream(String body) {
        return assertInstanceOf(BotAnswer.Stream.class, parser.parse("text/xml", body));
    }

    private String rejected(String body) {
        return assertInstanceOf(BotAnswer.Reject.class, parser.parse("application/json", body)).reason();
    }

    @Test
    void eachFormCarriesTheInfoAsAJsonObject() {
        assertEquals(FINAL, stream("<Response><Connect><Stream url=\"wss://bot.example/s\"/></Connect><Info> " + FINAL
                + " </Info></Response>").infoOnEnd());
        assertEquals(FINAL, stream("<Response><Stream keepCallAlive=\"true\">wss://bot.example/s</Stream><Info>" + FINAL
                + "</Info></Response>").infoOnEnd());
        assertEquals(FINAL, stream("{\"websocket_url\":\"wss://bot.example/s\",\"info_on_end\":" + FINAL + "}").infoOnEnd());
        assertNull(stream("<Response><Connect><Stream url=\"wss://bot.example/s\"/></Connect></Response>").infoOnEnd());
    }

    @Test
    void anInfoThatIsNotAJsonObjectOrComesFirstOrIsTooLargeIsRefusedNamingIt() {
        assertTrue(rejected("<Response><Connect><Stream url=\"wss://bot.example/s\"/></Connect><Info>final</Info></Response>")
                .contains("<Info> does not hold a JSON object"));
        assertTrue(rejected("<Response><Info>" + FINAL + "</Info><Connect><Stream url=\"wss://bot.example/s\"/></Connect>"
                + "</Response>").contains("goes after <Connect><Stream>"));
        assertTrue(rejected("{\"websocket_url\":\"wss://bot.example/s\",\"info_on_end\":[1]}")
                .contains("\"info_on_end\" in the JSON answer is not a JSON object"));
        String big = "{\"t\":\"" + "x".repeat(AnswerParser.MAX_INFO_ON_END) + "\"}";
        assertTrue(rejected("{\"websocket_url\":\"wss://bot.example/s\",\"info_on_end\":" + big + "}")
                .contains("holds at most 2000"));
    }

    @Test
    void aReasonCarriesNoLineBreakFromTheAnswer() {
        // Found by fuzzing: the XML parser's message quotes the answer, line breaks included, and the reason
        // becomes a SIP Reason header.
        BotAnswer.Reject bad = assertInstanceOf(BotAnswer.Reject.class,
                parser.parse("text/xml", "<?xml version=\"1\n\r2\"?><Response/>"));
        assertTrue(!bad.reason().contains("\n") && !bad.reason().contains("\r"), bad.reason());
        BotAnswer.Reject busy = assertInstanceOf(BotAnswer.Reject.class,
                parser.parse("text/xml", "<Response><Reject reason=\"busy&#10;X-Injected: 1\"/></Response>"));
        assertEquals(603, busy.sipStatus(), "not 'busy' once the line break is part of it");
        assertTrue(!busy.reason().contains("\n"), busy.reason());
    }
}
