package dev.patchbay.agents.security;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/**
 * Workspace API keys as the admin API issues them: {@code key_} and 20 base62 characters, a dot,
 * and a 256-bit base64url secret stored only as its SHA-256. Rotation issues the successor and
 * sets the old key's revocation time in one transaction.
 */
public final class ApiKeys {

    /** A rotation's outcome: the new key's id and one-time token, and when the old key stops working. */
    public record Rotated(String keyId, String token, Instant oldKeyExpiresAt) { }

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final DbClient db;
    private final SecureRandom random = new SecureRandom();

    public ApiKeys(DbClient db) {
        this.db = db;
    }

    /**
     * Issues a successor of {@code keyId} under its name and revokes the old key at {@code expiresAt}.
     * A key already rotated (revocation set, perhaps in the future) is refused, so one key never has
     * two successors.
     */
    public Rotated rotate(String workspaceId, String keyId, Instant now, Instant expiresAt) {
        return Db.inTransaction(db, tx -> {
            Map<String, Object> old = tx.namedGet("api-keys-lock", keyId, workspaceId).map(Db::columns).orElseThrow(() ->
                    ProblemException.notFound("there is no API key " + keyId + " in this workspace", "current_key"));
            Instant revoked = Db.instant(old.get("revoked_at"));
            if (revoked != null) {
                throw ProblemException.conflict("this key was rotated already and stops working at " + revoked
                        + "; rotate its successor instead", "current_key");
            }
            String id = id();
            String secret = secret();
            tx.namedInsert("api-keys-insert", id, workspaceId, old.get("name"), HexFormat.of().formatHex(ApiKeyAuth.sha256(secret)),
                    Db.utc(now));
            tx.namedDml("api-keys-revoke", Db.utc(expiresAt), keyId);
            return new Rotated(id, id + "." + secret, expiresAt);
        });
    }

    private String id() {
        StringBuilder id = new StringBuilder("key_");
        while (id.length() < 24) {
            int b = random.nextInt(256);
            // 248 = 4 * 62: higher bytes are drawn again so every character is equally likely.
            if (b < 248) {
                id.append(BASE62[b % 62]);
            }
        }
        return id.toString();
    }

    private String secret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
