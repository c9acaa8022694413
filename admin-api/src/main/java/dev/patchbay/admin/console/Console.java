package dev.patchbay.admin.console;

import java.util.List;

import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.rest.ApiJson;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;

/**
 * The operator console: the files Vite built into {@code console/} on the class path, served at
 * {@link #PATH} without a key (they hold no data; every call they make sends the key the operator
 * typed), and {@code GET /v1/me}, which tells the console whose key it holds.
 */
public final class Console {

    public static final String PATH = "/console";
    /**
     * Only this origin: scripts, styles and API calls all come from the admin-api itself. A recording
     * plays from a blob: the console fetches it with the key, which an audio element cannot send.
     */
    static final String CSP = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; object-src 'none';"
            + " frame-ancestors 'none';"
            + " base-uri 'none'; form-action 'self'";

    private static final HeaderName CSP_HEADER = HeaderNames.create("Content-Security-Policy");

    private Console() {
    }

    public static void routing(HttpRouting.Builder routing) {
        Handler headers = (req, res) -> {
            res.header(CSP_HEADER, CSP);
            res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
            res.next();
        };
        routing.any(PATH, headers);
        routing.any(PATH + "/*", headers);
        routing.register(PATH, StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location("console")
                .classLoader(Console.class.getClassLoader())
                .welcome("index.html")
                .build()));
    }

    public static List<ApiRoute> routes() {
        return List.of(ApiRoute.get("/v1/me", Access.ANY, (req, res) -> ApiJson.send(res, Status.OK_200,
                switch (Principal.of(req)) {
                    case Principal.Operator o -> ApiJson.object().put("role", "operator");
                    case Principal.WorkspaceKey k -> ApiJson.object().put("role", "workspace_admin")
                            .put("workspace_id", k.workspaceId()).put("key_id", k.keyId());
                })));
    }
}
