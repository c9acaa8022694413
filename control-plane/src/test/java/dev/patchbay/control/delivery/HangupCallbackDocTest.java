package dev.patchbay.control.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.app.ControlPlane;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.rest.OpenApiDocument;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The provider API document's HangupCallback schema names exactly the fields HangupCallbackSender sends. */
class HangupCallbackDocTest {

    @Test
    void schemaMatchesTheSentBody() throws Exception {
        Map<String, Object> doc = new Yaml().load(new String(OpenApiDocument.of(ControlPlane.class).yaml(), StandardCharsets.UTF_8));
        Map<?, ?> schema = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) doc.get("components")).get("schemas")).get("HangupCallback");

        CallRecord call = new CallRecord("CA" + "0".repeat(32), "ws_a", null, CallRecord.Direction.OUTBOUND,
                CallStatus.COMPLETED, "+14155550199", "+14155550100", null, "127.0.0.1:9090", null,
                new CallRecord.Stream("wss://bot.example/ws", "twilio", 8000, null), "https://cb.example/hook",
                "caller_bye", 200, "done", "https://rec.example/a.wav", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:01Z"), Instant.parse("2026-01-01T00:00:31Z"));
        JsonNode body = new ObjectMapper().readTree(new HangupCallbackSender(null, null, CallRecord::recordingUrl).body(call));
        Set<String> sent = new TreeSet<>();
        body.fieldNames().forEachRemaining(sent::add);

        assertEquals(sent, new TreeSet<>(((Map<?, ?>) schema.get("properties")).keySet().stream().map(String::valueOf).toList()));
        assertEquals(sent, new TreeSet<>(((java.util.List<?>) schema.get("required")).stream().map(String::valueOf).toList()));
        assertEquals("call.ended", body.path("event").asText());
    }
}
