package dev.patchbay.schema;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.helidon.config.Config;

/**
 * Encrypts credentials at rest (trunk passwords, integration secrets) with AES-256-GCM. The text
 * form is {@code v2:<key id>:} + base64(nonce ‖ ciphertext ‖ tag), the key id being the first
 * 8 bytes of the key's SHA-256 in hex and bound to the ciphertext as associated data. Naming the
 * key lets an operator rotate it: the new key goes in {@code patchbay.secrets.key}, the old ones
 * in {@code patchbay.secrets.previous}; everything opens, and a re-encryption pass moves every
 * stored secret to the new key. Texts of the first format ({@code v1:}, no key id) are still
 * opened by trying each key. In local mode the key is generated once under
 * {@code <patchbay.var>/secret-key}, shared by the processes of {@code ./patchbay up}.
 */
public final class SecretBox {

    private static final String V1 = "v1:";
    private static final String V2 = "v2:";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final String currentId;
    // Insertion order: the current key first, then the previous ones as configured.
    private final Map<String, SecretKeySpec> keys;
    private final List<String> order;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(byte[] key) {
        this(key, List.of());
    }

    /** @param previous keys that may still have sealed stored secrets; they open, never seal */
    public SecretBox(byte[] key, List<byte[]> previous) {
        Map<String, SecretKeySpec> all = new LinkedHashMap<>();
        currentId = keyId(check(key, "patchbay.secrets.key"));
        all.put(currentId, new SecretKeySpec(key, "AES"));
        for (byte[] old : previous) {
            all.putIfAbsent(keyId(check(old, "patchbay.secrets.previous")), new SecretKeySpec(old, "AES"));
        }
        keys = Map.copyOf(all);
        order = List.copyOf(all.keySet());
    }

    /** The configured key, or in local mode the generated one; otherwise a startup error naming the key. */
    public static SecretBox from(Config root) {
        Config p = root.get("patchbay");
        List<byte[]> previous = new ArrayList<>();
        for (String old : p.get("secrets.previous").asString().get().split(",")) {
            if (!old.isBlank()) {
                previous.add(decode(old.strip(), "patchbay.secrets.previous (env PATCHBAY_SECRETS_PREVIOUS)"));
            }
        }
        String configured = p.get("secrets.key").asString().get().strip();
        if (!configured.isEmpty()) {
            return new SecretBox(decode(configured, "patchbay.secrets.key (env PATCHBAY_SECRETS_KEY)"), previous);
        }
        if (!p.get("local").asBoolean().get()) {
            throw new IllegalStateException("patchbay.secrets.key (env PATCHBAY_SECRETS_KEY) is not set; it encrypts"
                    + " credentials at rest: set it to the output of `openssl rand -base64 32`, the same on every process");
        }
        String local = LocalSecrets.readOrCreate(Path.of(p.get("var").asString().get()).resolve("secret-key"),
                "", "patchbay.secrets.key");
        return new SecretBox(Base64.getUrlDecoder().decode(local), previous);
    }

    /** The id of the key that seals; what {@link #isCurrent} compares with. */
    public String currentKeyId() {
        return currentId;
    }

    /** Whether {@code text} was sealed under the current key, so re-encryption can skip it. */
    public boolean isCurrent(String text) {
        return text != null && text.startsWith(V2 + currentId + ":");
    }

    /**
     * A key for {@code purpose} derived from this one (HMAC-SHA256), so that every process sharing
     * {@code patchbay.secrets.key} agrees on it without a second secret to configure.
     */
    public byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keys.get(currentId).getEncoded(), "HmacSHA256"));
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
            c.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(currentId.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return V2 + currentId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** @throws IllegalArgumentException if no configured key sealed the text, or it was altered */
    public String open(String text) {
        if (text != null && text.startsWith(V2)) {
            int colon = text.indexOf(':', V2.length());
            String id = colon < 0 ? "" : text.substring(V2.length(), colon);
            SecretKeySpec key = keys.get(id);
            if (key == null) {
                throw new IllegalArgumentException("the secret was sealed with key " + id + ", which is neither"
                        + " patchbay.secrets.key nor in patchbay.secrets.previous; add that key to patchbay.secrets.previous");
            }
            return decrypt(key, id, text.substring(colon + 1));
        }
        if (text == null || !text.startsWith(V1)) {
            throw new IllegalArgumentException("not a sealed secret (expected the v2: or v1: prefix)");
        }
        IllegalArgumentException last = null;
        for (String id : order) {
            try {
                return decrypt(keys.get(id), null, text.substring(V1.length()));
            } catch (IllegalArgumentException e) {
                last = e;
            }
        }
        throw last;
    }

    private static String decrypt(SecretKeySpec key, String aad, String base64) {
        try {
            byte[] all = Base64.getDecoder().decode(base64);
            if (all.length < NONCE + TAG_BITS / 8) {
                throw new IllegalArgumentException("sealed secret is too short");
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE));
            if (aad != null) {
                c.updateAAD(aad.getBytes(StandardCharsets.US_ASCII));
            }
            return new String(c.doFinal(all, NONCE, all.length - NONCE), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("the secret was sealed with another key or altered;"
                    + " every process must share patchbay.secrets.key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    private static byte[] check(byte[] key, String name) {
        if (key.length != 32) {
            throw new IllegalArgumentException(name + " must be 32 bytes, base64-encoded (e.g. openssl rand -base64 32); got "
                    + key.length + " bytes");
        }
        return key;
    }

    private static byte[] decode(String base64, String name) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not 32 bytes of base64: " + e.getMessage(), e);
        }
    }

    // Public by design: it names a key in ciphertexts and logs without revealing anything usable about it.
    private static String keyId(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
