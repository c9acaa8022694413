package dev.patchbay.admin.app;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.admin.testing.ApiClient;
import dev.patchbay.admin.testing.ApiClient.Reply;
import dev.patchbay.admin.testing.TestApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's files as the admin-api serves them: from the class path (the Maven build put them
 * there), without a key, same-origin only, and nothing fetched from elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest {

    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/console/assets/[^\"]+)\"");

    private TestApi api;
    private ApiClient anonymous;

    @BeforeAll
    void start() {
        api = TestApi.start();
        anonymous = api.client().withKey(null);
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @Test
    void theIndexIsServedWithoutAKeyUnderAStrictContentSecurityPolicy() {
        Reply index = anonymous.get("/console/");
        assertEquals(200, index.status(), "the console is not on the class path: was it built (npm run build)? " + index);
        assertTrue(index.contentType().orElseThrow().startsWith("text/html"), index.contentType().toString());
        String csp = index.header("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("default-src 'self'"), csp);
        assertEquals("nosniff", index.header("X-Content-Type-Options").orElseThrow());
        assertFalse(index.body().contains("http://") || index.body().contains("https://"),
                "the index loads something from another origin: " + index.body());
    }

    @Test
    void everyAssetTheIndexNamesIsServed() {
        Matcher m = ASSET.matcher(anonymous.get("/console/").body());
        int assets = 0;
        while (m.find()) {
            Reply asset = anonymous.get(m.group(1));
            assertEquals(200, asset.status(), m.group(1) + " -> " + asset.status());
            String type = asset.contentType().orElseThrow();
            assertTrue(List.of("text/javascript", "application/javascript", "text/css").stream().anyMatch(type::startsWith),
                    m.group(1) + " is served as " + type);
            assets++;
        }
        assertEquals(2, assets, "one script and one stylesheet");
    }

    @Test
    void aPathWithoutTheSlashAndAMissingFileAnswerAsExpected() {
        Reply bare = anonymous.get("/console");
        assertTrue(bare.status() == 200 || bare.status() / 100 == 3, "/console -> " + bare.status());
        Reply missing = anonymous.get("/console/nope.js");
        assertEquals(404, missing.status(), missing.toString());
    }
}
