package dev.patchbay.schema;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.helidon.config.Config;

/**
 * Encrypts credentials at rest (trunk passwords, integration secrets) with AES-256-GCM. The text
 * form is {@code v1:} + base64(nonce ‖ ciphertext ‖ tag), so the format can change without
 * guessing. The key comes from {@code patchbay.secrets.key}; in local mode it is generated once
 * under {@code <patchbay.var>/secret-key}, shared by the processes of {@code ./patchbay up}.
 */
public final class SecretBox {

    private static final String PREFIX = "v1:";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("patchbay.secrets.key must be 32 bytes, base64-encoded (e.g. openssl rand -base64 32); got "
                    + key.length + " bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The configured key, or in local mode the generated one; otherwise a startup error naming the key. */
    public static SecretBox from(Config root) {
        Config p = root.get("patchbay");
        String configured = p.get("secrets.key").asString().orElse("").strip();
        if (!configured.isEmpty()) {
            try {
                return new SecretBox(Base64.getDecoder().decode(configured));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("patchbay.secrets.key (env PATCHBAY_SECRETS_KEY) is not 32 bytes of base64: "
                        + e.getMessage(), e);
            }
        }
        if (!p.get("local").asBoolean().orElse(false)) {
            throw new IllegalStateException("patchbay.secrets.key (env PATCHBAY_SECRETS_KEY) is not set; it encrypts"
                    + " credentials at rest: set it to the output of `openssl rand -base64 32`, the same on every process");
        }
        String local = LocalSecrets.readOrCreate(Path.of(p.get("var").asString().orElse("var")).resolve("secret-key"),
                "", "patchbay.secrets.key");
        return new SecretBox(Base64.getUrlDecoder().decode(local));
    }

    /**
     * A key for {@code purpose} derived from this one (HMAC-SHA256), so that every process sharing
     * {@code patchbay.secrets.key} agrees on it without a second secret to configure.
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("patchbay:" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    public String seal(String plain) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** @throws IllegalArgumentException if the text was not sealed with this key or was altered */
    public String open(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a sealed secret (expected the v1: prefix)");
        }
        try {
            byte[] all = Base64.getDecoder().decode(text.substring(PREFIX.length()));
            if (all.length < NONCE + TAG_BITS / 8) {
                throw new IllegalArgumentException("sealed secret is too short");
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE));
            return new String(c.doFinal(all, NONCE, all.length - NONCE), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("the secret was sealed with another key or altered;"
                    + " every process must share patchbay.secrets.key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }
}
