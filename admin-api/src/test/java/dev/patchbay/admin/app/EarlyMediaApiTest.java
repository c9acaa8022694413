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

/** A bot's early_media and early_media_clip (V14), on create and by PATCH, over real HTTP and PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EarlyMediaApiTest {

    private static final String HOOK = "{\"name\":\"h\",\"kind\":\"webhook\",\"url\":\"https://b.example\"";
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
        String ws = api.client().post("/v1/workspaces", "{\"name\":\"Early\"}").json().path("id").asText();
        bots = "/v1/workspaces/" + ws + "/bots";
    }

    @Test
    void defaultsToNoneAndStoresRingbackAndClip() {
        Reply plain = api.client().post(bots, HOOK + "}");
        assertEquals("none", plain.json().path("early_media").asText());
        assertTrue(plain.json().path("early_media_clip").isNull());
        Reply ringback = api.client().post(bots, HOOK + ",\"early_media\":\"ringback\"}");
        assertEquals(201, ringback.status(), ringback.toString());
        assertEquals("ringback", ringback.json().path("early_media").asText());
        Reply clip = api.client().post(bots, HOOK + ",\"early_media\":\"clip\",\"early_media_clip\":\"hold-on.wav\"}");
        assertEquals(201, clip.status(), clip.toString());
        assertEquals(clip.json(), api.client().get(clip.location().orElseThrow()).json());
        assertEquals("clip hold-on.wav", api.db().text("SELECT early_media || ' ' || early_media_clip FROM bots WHERE id = '"
                + clip.json().path("id").asText() + "'"));
    }

    @Test
    void badChoicesNameTheirFields() {
        assertEquals(List.of("early_media"), api.client().post(bots, HOOK + ",\"early_media\":\"music\"}").errorFields());
        assertEquals(List.of("early_media_clip"), api.client().post(bots, HOOK + ",\"early_media\":\"clip\"}").errorFields());
        assertEquals(List.of("early_media_clip"), api.client().post(bots, HOOK
                + ",\"early_media\":\"clip\",\"early_media_clip\":\"../etc/passwd.wav\"}").errorFields());
        assertEquals(List.of("early_media_clip"), api.client().post(bots, HOOK
                + ",\"early_media\":\"ringback\",\"early_media_clip\":\"a.wav\"}").errorFields());
        Reply echo = api.client().post(bots, "{\"name\":\"e\",\"kind\":\"echo\",\"early_media\":\"ringback\"}");
        assertEquals(422, echo.status(), echo.toString());
        assertEquals(List.of("early_media"), echo.errorFields());
        assertTrue(echo.toString().contains("webhook"), echo.toString());
    }

    @Test
    void aDidOverridesItsBotsChoiceAndNullReturnsToTheBots() {
        String bot = api.client().post(bots, HOOK + ",\"early_media\":\"ringback\"}").json().path("id").asText();
        String dids = bots.replace("/bots", "/dids");
        Reply plain = api.client().post(dids, "{\"number\":\"+14155550101\",\"bot_id\":\"" + bot + "\"}");
        assertEquals(201, plain.status(), plain.toString());
        assertTrue(plain.json().path("early_media").isNull(), "no override: the bot's choice applies");
        Reply clip = api.client().post(dids, "{\"number\":\"+14155550102\",\"bot_id\":\"" + bot
                + "\",\"early_media\":\"clip\",\"early_media_clip\":\"queue.wav\"}");
        assertEquals(201, clip.status(), clip.toString());
        assertEquals("clip", clip.json().path("early_media").asText());
        assertEquals(clip.json(), api.client().get(clip.location().orElseThrow()).json());
        assertEquals(List.of("early_media_clip"), api.client().post(dids, "{\"number\":\"+14155550103\",\"bot_id\":\""
                + bot + "\",\"early_media_clip\":\"queue.wav\"}").errorFields());

        Reply none = api.client().patch(clip.location().orElseThrow(), "{\"early_media\":\"none\"}", clip.etag());
        assertEquals(200, none.status(), none.toString());
        assertEquals("none", none.json().path("early_media").asText());
        assertTrue(none.json().path("early_media_clip").isNull());
        assertEquals(bot, none.json().path("bot_id").asText(), "the bot stays");
        Reply cleared = api.client().patch(clip.location().orElseThrow(), "{\"early_media\":null}", none.etag());
        assertTrue(cleared.json().path("early_media").isNull(), cleared.toString());
        assertEquals(null, api.db().text("SELECT early_media FROM dids WHERE id = '" + clip.json().path("id").asText() + "'"));
        assertEquals(List.of("bot_id"), api.client().patch(clip.location().orElseThrow(), "{}", cleared.etag()).errorFields());
    }

    @Test
    void patchChangesTheChoiceAndLeavingClipDropsTheFileName() {
        Reply created = api.client().post(bots, HOOK + ",\"early_media\":\"clip\",\"early_media_clip\":\"a.wav\"}");
        String bot = created.location().orElseThrow();
        Reply ringback = api.client().patch(bot, "{\"early_media\":\"ringback\"}", created.etag());
        assertEquals(200, ringback.status(), ringback.toString());
        assertEquals("ringback", ringback.json().path("early_media").asText());
        assertTrue(ringback.json().path("early_media_clip").isNull(), "the clip goes with the clip choice");
        Reply bad = api.client().patch(bot, "{\"early_media\":\"clip\"}", ringback.etag());
        assertEquals(List.of("early_media_clip"), bad.errorFields());
        Reply none = api.client().patch(bot, "{\"early_media\":\"none\"}", ringback.etag());
        assertEquals("none", none.json().path("early_media").asText());
    }
}
