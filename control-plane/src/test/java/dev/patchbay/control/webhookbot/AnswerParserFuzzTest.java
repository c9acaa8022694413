package dev.patchbay.control.webhookbot;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any body a bot platform's webhook answers with (JSON, TwiML, Plivo XML, or neither): {@link AnswerParser}
 * gives a stream, a gRPC attach or a refusal, never an exception; a refusal has one of the statuses it
 * documents and a reason fit for a SIP Reason header (no line breaks); a stream has a ws/wss URL, a sample
 * rate, and an INFO that is a JSON object within {@link AnswerParser#MAX_INFO_ON_END}. The last byte picks
 * the Content-Type. Regression inputs: src/test/resources/dev/patchbay/control/webhookbot/AnswerParserFuzzTestInputs/.
 */
class AnswerParserFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AnswerParser PARSER = new AnswerParser(JSON);
    private static final String[] TYPES = {"application/json", "application/xml", "text/xml", ""};

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void parse(FuzzedDataProvider data) throws Exception {
        String type = TYPES[data.consumeInt(0, TYPES.length - 1)];
        String body = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        BotAnswer answer = PARSER.parse(type, body);
        assertNotNull(answer);
        switch (answer) {
            case BotAnswer.Reject r -> {
                assertTrue(Set.of(480, 486, 503, 603).contains(r.sipStatus()), "status " + r.sipStatus());
                assertFalse(r.reason().contains("\r") || r.reason().contains("\n"), "a line break in the reason: " + r.reason());
            }
            case BotAnswer.Stream s -> {
                assertTrue(Set.of("ws", "wss").contains(s.url().getScheme().toLowerCase(Locale.ROOT)), s.url().toString());
                assertTrue(s.sampleRateHz() > 0, "rate " + s.sampleRateHz());
                if (s.infoOnEnd() != null) {
                    JsonNode info = JSON.readTree(s.infoOnEnd());
                    assertTrue(info.isObject());
                    assertTrue(s.infoOnEnd().getBytes(StandardCharsets.UTF_8).length <= AnswerParser.MAX_INFO_ON_END);
                }
            }
            case BotAnswer.Grpc g -> assertNotNull(g);
        }
    }
}
