package dev.patchbay.admin.tenant;

/**
 * What an {@code api_keys} row opens. Both kinds share the table, the {@code <id>.<secret>} token,
 * the SHA-256 at rest, revocation and rotation; only who accepts them differs.
 */
public enum KeyScope {
    /** The control-plane's provider API (ApiKeyAuth). */
    PROVIDER("provider", "key_", "api-keys", "API key"),
    /** This admin-api, for one workspace. */
    ADMIN("admin", "akey_", "admin-keys", "admin key");

    private final String wire;
    private final String prefix;
    private final String path;
    private final String noun;

    KeyScope(String wire, String prefix, String path, String noun) {
        this.wire = wire;
        this.prefix = prefix;
        this.path = path;
        this.noun = noun;
    }

    /** The {@code api_keys.scope} value. */
    public String wire() {
        return wire;
    }

    /** The id prefix, so a token says which kind it is before any lookup. */
    public String prefix() {
        return prefix;
    }

    /** The collection under {@code /v1/workspaces/{ws}/}. */
    public String path() {
        return path;
    }

    public String noun() {
        return noun;
    }

    /** The audit log's resource type. */
    public String resourceType() {
        return this == PROVIDER ? "api_key" : "admin_key";
    }

    public static KeyScope fromWire(String wire) {
        for (KeyScope s : values()) {
            if (s.wire.equals(wire)) {
                return s;
            }
        }
        throw new IllegalStateException("api_keys.scope '" + wire + "' is unknown");
    }
}
