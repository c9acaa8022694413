package dev.patchbay.admin.app;

import java.util.List;

import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bot's sample_rate, custom_parameters and timeouts, on create and by PATCH with If-Match, over real HTTP and PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BotSettingsApiTest {

    private TestApi api;
    private String bots;

    @BeforeAll
    void start() {
        api = TestApi.start();
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @BeforeEach
    void freshWorkspace() {
        String ws = api.client().post("/v1/workspaces", "{\"name\":\"Bots\"}").json().path("id").asText();
        bots = "/v1/workspaces/" + ws + "/bots";
    }

    @Test
    void defaultsAndStoredSettingsRoundTrip() {
        Reply echo = api.client().post(bots, "{\"name\":\"e\",\"kind\":\"echo\"}");
        assertEquals(8000, echo.json().path("sample_rate").asInt());
        assertEquals(0, echo.json().path("custom_parameters").size());
        Reply r = api.client().post(bots, "{\"name\":\"w\",\"kind\":\"wss\",\"url\":\"wss://bot.example/s\",\"dialect\":"
                + "\"jambonz\",\"sample_rate\":16000,\"custom_parameters\":{\"tenant\":\"acme\",\"lang\":\"de\"}}");
        assertEquals(201, r.status(), r.toString());
        assertEquals(16000, r.json().path("sample_rate").asInt());
        assertEquals("acme", r.json().path("custom_parameters").path("tenant").asText());
        assertEquals(r.json(), api.client().get(r.location().orElseThrow()).json());
        assertEquals("{\"tenant\":\"acme\",\"lang\":\"de\"}", api.db().text("SELECT custom_parameters FROM bots WHERE id = '"
                + r.json().path("id").asText() + "'"));
    }

    @Test
    void badSettingsNameTheirFields() {
        Reply twilio = api.client().post(bots, "{\"name\":\"w\",\"kind\":\"wss\",\"url\":\"wss://b.example\",\"sample_rate\":16000}");
        assertEquals(422, twilio.status(), twilio.toString());
        assertEquals(List.of("sample_rate"), twilio.errorFields());
        Reply bad = api.client().post(bots, "{\"name\":\"w\",\"kind\":\"wss\",\"url\":\"wss://b.example\",\"sample_rate\":11025,"
                + "\"custom_parameters\":{\"sip.From\":\"x\",\"long\":\"" + "v".repeat(1025) + "\"}}");
        assertEquals(List.of("sample_rate", "custom_parameters.sip.From", "custom_parameters.long"), bad.errorFields());
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":\"v\"");
        }
        Reply tooMany = api.client().post(bots, "{\"name\":\"w\",\"kind\":\"webhook\",\"url\":\"https://b.example\","
                + "\"custom_parameters\":" + many + "}}");
        assertEquals(List.of("custom_parameters"), tooMany.errorFields());
        Reply echo = api.client().post(bots, "{\"name\":\"e\",\"kind\":\"echo\",\"custom_parameters\":{\"a\":\"b\"}}");
        assertEquals(List.of("custom_parameters"), echo.errorFields());
        assertEquals(400, api.client().post(bots, "{\"name\":\"e\",\"kind\":\"echo\",\"custom_parameters\":{\"a\":1}}").status());
    }

    @Test
    void patchIsConditionalJudgedWholeAndAudited() {
        Reply created = api.client().post(bots, "{\"name\":\"w\",\"kind\":\"wss\",\"url\":\"wss://b.example\",\"dialect\":\"plivo\"}");
        String bot = bots + "/" + created.json().path("id").asText();
        assertEquals(428, api.client().patch(bot, "{\"sample_rate\":16000}", null).status());
        assertEquals(412, api.client().patch(bot, "{\"sample_rate\":16000}", "\"old\"").status());
        Reply up = api.client().patch(bot, "{\"sample_rate\":16000,\"custom_parameters\":{\"k\":\"v\"}}", created.etag());
        assertEquals(200, up.status(), up.toString());
        assertEquals(16000, up.json().path("sample_rate").asInt());
        assertEquals("plivo", up.json().path("dialect").asText(), "kept");
        assertEquals("v", up.json().path("custom_parameters").path("k").asText());
        Reply twilio = api.client().patch(bot, "{\"dialect\":\"twilio\"}", up.etag());
        assertEquals(422, twilio.status(), twilio.toString());
        assertEquals(List.of("sample_rate"), twilio.errorFields(), "judged with the stored 16 kHz");
        Reply kind = api.client().patch(bot, "{\"kind\":\"echo\"}", up.etag());
        assertEquals(400, kind.status());
        assertEquals(List.of("kind"), kind.errorFields());
        String audit = api.db().text("SELECT string_agg(diff, ' | ' ORDER BY created_at, id) FROM audit_log WHERE"
                + " resource_type = 'bot' AND action = 'update' AND resource_id = '" + up.json().path("id").asText() + "'");
        assertTrue(audit.contains("\"sample_rate\":[8000,16000]") && audit.contains("\"k\":\"v\""), audit);
        assertEquals(404, api.client().patch(bots + "/bot_nope", "{\"name\":\"x\"}", "*").status());
    }

    @Test
    void timeoutsRoundTripAndDefaultToNull() {
        Reply wss = api.client().post(bots, "{\"name\":\"w\",\"kind\":\"wss\",\"url\":\"wss://b.example\","
                + "\"connect_timeout_ms\":100}");
        assertEquals(201, wss.status(), wss.toString());
        assertEquals(100, wss.json().path("connect_timeout_ms").asInt());
        assertTrue(wss.json().path("answer_timeout_ms").isNull(), "present and null: the global setting applies");
        Reply hook = api.client().post(bots, "{\"name\":\"h\",\"kind\":\"webhook\",\"url\":\"https://b.example\","
                + "\"answer_timeout_ms\":30000}");
        assertEquals(201, hook.status(), hook.toString());
        assertEquals(30000, hook.json().path("answer_timeout_ms").asInt());
        assertEquals(hook.json(), api.client().get(hook.location().orElseThrow()).json());
        assertEquals("30000", api.db().text("SELECT CAST(answer_timeout_ms AS VARCHAR) FROM bots WHERE id = '"
                + hook.json().path("id").asText() + "'"));
        Reply echo = api.client().post(bots, "{\"name\":\"e\",\"kind\":\"echo\"}");
        assertTrue(echo.json().path("connect_timeout_ms").isNull() && echo.json().path("answer_timeout_ms").isNull());
    }

    @Test
    void badTimeoutsNameTheirFields() {
        Reply range = api.client().post(bots, "{\"name\":\"w\",\"kind\":\"wss\",\"url\":\"wss://b.example\","
                + "\"connect_timeout_ms\":99}");
        assertEquals(422, range.status(), range.toString());
        assertEquals(List.of("connect_timeout_ms"), range.errorFields());
        Reply high = api.client().post(bots, "{\"name\":\"h\",\"kind\":\"webhook\",\"url\":\"https://b.example\","
                + "\"answer_timeout_ms\":30001}");
        assertEquals(List.of("answer_timeout_ms"), high.errorFields());
        Reply wrongKind = api.client().post(bots, "{\"name\":\"w\",\"kind\":\"wss\",\"url\":\"wss://b.example\","
                + "\"answer_timeout_ms\":1000}");
        assertEquals(422, wrongKind.status(), wrongKind.toString());
        assertEquals(List.of("answer_timeout_ms"), wrongKind.errorFields());
        Reply echo = api.client().post(bots, "{\"name\":\"e\",\"kind\":\"echo\",\"connect_timeout_ms\":1000,"
                + "\"answer_timeout_ms\":1000}");
        assertEquals(List.of("connect_timeout_ms", "answer_timeout_ms"), echo.errorFields());
        assertEquals(400, api.client().post(bots, "{\"name\":\"e\",\"kind\":\"wss\",\"url\":\"wss://b.example\","
                + "\"connect_timeout_ms\":\"1s\"}").status());
    }

    @Test
    void timeoutPatchIsConditionalJudgedByKindAndAudited() {
        Reply created = api.client().post(bots, "{\"name\":\"h\",\"kind\":\"webhook\",\"url\":\"https://b.example\"}");
        String bot = bots + "/" + created.json().path("id").asText();
        assertEquals(428, api.client().patch(bot, "{\"answer_timeout_ms\":300}", null).status());
        Reply up = api.client().patch(bot, "{\"answer_timeout_ms\":300}", created.etag());
        assertEquals(200, up.status(), up.toString());
        assertEquals(300, up.json().path("answer_timeout_ms").asInt());
        Reply wrongKind = api.client().patch(bot, "{\"connect_timeout_ms\":300}", up.etag());
        assertEquals(422, wrongKind.status(), wrongKind.toString());
        assertEquals(List.of("connect_timeout_ms"), wrongKind.errorFields());
        Reply range = api.client().patch(bot, "{\"answer_timeout_ms\":0}", up.etag());
        assertEquals(List.of("answer_timeout_ms"), range.errorFields());
        Reply cleared = api.client().patch(bot, "{\"answer_timeout_ms\":null}", up.etag());
        assertEquals(200, cleared.status(), cleared.toString());
        assertTrue(cleared.json().path("answer_timeout_ms").isNull(), "null returns to the global setting");
        String audit = api.db().text("SELECT string_agg(diff, ' | ' ORDER BY created_at, id) FROM audit_log WHERE"
                + " resource_type = 'bot' AND action = 'update' AND resource_id = '" + up.json().path("id").asText() + "'");
        assertTrue(audit.contains("\"answer_timeout_ms\":[null,300]") && audit.contains("\"answer_timeout_ms\":[300,null]"),
                audit);
    }
}
