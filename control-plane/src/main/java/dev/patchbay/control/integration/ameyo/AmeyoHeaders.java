package dev.patchbay.control.integration.ameyo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.patchbay.control.delivery.RowHeaders;
import dev.patchbay.schema.SecretBox;

/**
 * The headers Ameyo's REST API demands on every notification attempt, read from the workspace's
 * current settings: a token rotated through the admin API applies to the next retry.
 */
public final class AmeyoHeaders implements RowHeaders {

    private final AmeyoIntegration integrations;
    private final SecretBox secrets;

    public AmeyoHeaders(AmeyoIntegration integrations, SecretBox secrets) {
        this.integrations = integrations;
        this.secrets = secrets;
    }

    /** Authorization (unsealed), Host and {@code policy-name: token} for Ameyo rows; nothing for other kinds. */
    @Override
    public Map<String, String> headers(String kind, String workspaceId) {
        if (!AmeyoNotifier.KIND.equals(kind)) {
            return Map.of();
        }
        AmeyoIntegration.Settings config = integrations.settings(workspaceId).orElseThrow(() -> new IllegalStateException(
                "workspace " + workspaceId + " has no Ameyo integration any more; configure it to deliver this notification"));
        Map<String, String> h = new LinkedHashMap<>();
        if (config.authorizationEnc() != null) {
            h.put("Authorization", secrets.open(config.authorizationEnc()));
        }
        if (config.hostHeader() != null && !config.hostHeader().isBlank()) {
            if (!hostAllowed()) {
                throw new IllegalStateException("Ameyo needs a Host header, which the JDK HTTP client sends only when the"
                        + " JVM runs with -Djdk.httpclient.allowRestrictedHeaders=host (./patchbay sets it)");
            }
            h.put("Host", config.hostHeader());
        }
        h.put("policy-name", "token");
        return h;
    }

    private static boolean hostAllowed() {
        String allowed = System.getProperty("jdk.httpclient.allowRestrictedHeaders", "");
        for (String name : allowed.split(",")) {
            if (name.strip().toLowerCase(Locale.ROOT).equals("host")) {
                return true;
            }
        }
        return false;
    }
}
