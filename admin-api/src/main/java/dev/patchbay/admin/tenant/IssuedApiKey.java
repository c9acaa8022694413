package dev.patchbay.admin.tenant;

/**
 * A key just created, with the one copy of its credential that will ever exist.
 *
 * @param token {@code <id>.<secret>}, what a client sends as {@code Authorization: Bearer <token>}
 */
public record IssuedApiKey(ApiKey key, String token) {

    @Override
    public String toString() {
        return "IssuedApiKey[" + key + ", token=<redacted>]";
    }
}
