package dev.patchbay.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretBoxTest {

    /** {@code values} over the keys SecretBox reads, as the processes' application.yaml files set them (production mode). */
    private static Config config(Map<String, String> values) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values))
                .addSource(ConfigSources.create(Map.of("patchbay.secrets.key", "", "patchbay.secrets.previous", "",
                        "patchbay.local", "false", "patchbay.var", "var")))
                .build();
    }

    @Test
    void sealsWithAFreshNonceAndOpensOnlyWithTheSameKey() {
        SecretBox box = new SecretBox(new byte[32]);
        String a = box.seal("s3cret");
        String b = box.seal("s3cret");
        assertTrue(a.startsWith("v2:" + box.currentKeyId() + ":"), a);
        assertNotEquals(a, b, "a nonce is never reused");
        assertEquals("s3cret", box.open(a));
        byte[] other = new byte[32];
        other[0] = 1;
        IllegalArgumentException wrongKey = assertThrows(IllegalArgumentException.class, () -> new SecretBox(other).open(a));
        assertTrue(wrongKey.getMessage().contains("patchbay.secrets.key"));
        String prefix = a.substring(0, a.lastIndexOf(':') + 1);
        byte[] raw = Base64.getDecoder().decode(a.substring(prefix.length()));
        raw[raw.length - 1] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> box.open(prefix + Base64.getEncoder().encodeToString(raw)));
        assertThrows(IllegalArgumentException.class, () -> box.open("plain"));
    }

    @Test
    void localModeSharesOneGeneratedKeyAndProductionDemandsOne(@TempDir Path var) throws Exception {
        Map<String, String> local = Map.of("patchbay.local", "true", "patchbay.var", var.toString());
        String sealed = SecretBox.from(config(local)).seal("x");
        assertEquals("x", SecretBox.from(config(local)).open(sealed), "a second process reads the same key file");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(var.resolve("secret-key"))));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> SecretBox.from(config(Map.of("patchbay.local", "false"))));
        assertTrue(missing.getMessage().contains("PATCHBAY_SECRETS_KEY"), missing.getMessage());
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals("y", SecretBox.from(config(Map.of("patchbay.secrets.key", key))).open(new SecretBox(new byte[32]).seal("y")));
    }

    @Test
    void previousKeysStillOpenWhatTheySealedButNeverSeal() {
        byte[] oldKey = new byte[32];
        byte[] newKey = new byte[32];
        newKey[0] = 7;
        SecretBox old = new SecretBox(oldKey);
        String sealedOld = old.seal("trunk-pw");
        String legacyV1 = legacyV1(oldKey, "ameyo-token");

        SecretBox rotated = new SecretBox(newKey, java.util.List.of(oldKey));
        assertEquals("trunk-pw", rotated.open(sealedOld), "a v2 text names its key, found among the previous ones");
        assertEquals("ameyo-token", rotated.open(legacyV1), "a v1 text (no key id) is tried against every key");
        assertTrue(!rotated.isCurrent(sealedOld) && !rotated.isCurrent(legacyV1));
        String resealed = rotated.seal(rotated.open(sealedOld));
        assertTrue(rotated.isCurrent(resealed));
        assertEquals("trunk-pw", new SecretBox(newKey).open(resealed), "after re-encryption the old key is not needed");

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> new SecretBox(newKey).open(sealedOld));
        assertTrue(unknown.getMessage().contains(old.currentKeyId()) && unknown.getMessage().contains("patchbay.secrets.previous"),
                unknown.getMessage());
        // The key id is bound to the ciphertext: relabelling a text with another key id does not open it.
        String relabelled = sealedOld.replace(old.currentKeyId(), rotated.currentKeyId());
        assertThrows(IllegalArgumentException.class, () -> rotated.open(relabelled));
    }

    @Test
    void previousKeysComeFromConfig() {
        byte[] oldKey = new byte[32];
        oldKey[1] = 3;
        String sealed = new SecretBox(oldKey).seal("z");
        SecretBox box = SecretBox.from(config(Map.of(
                "patchbay.secrets.key", Base64.getEncoder().encodeToString(new byte[32]),
                "patchbay.secrets.previous", " " + Base64.getEncoder().encodeToString(oldKey) + " ,")));
        assertEquals("z", box.open(sealed));
        IllegalStateException bad = assertThrows(IllegalStateException.class, () -> SecretBox.from(config(Map.of(
                "patchbay.secrets.key", Base64.getEncoder().encodeToString(new byte[32]), "patchbay.secrets.previous", "%%"))));
        assertTrue(bad.getMessage().contains("PATCHBAY_SECRETS_PREVIOUS"), bad.getMessage());
    }

    /** The first format, as stored before key ids: v1: + base64(nonce, ciphertext, tag), no associated data. */
    private static String legacyV1(byte[] key, String plain) {
        try {
            byte[] nonce = new byte[12];
            javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                    new javax.crypto.spec.GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(plain.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] out = new byte[12 + sealed.length];
            System.arraycopy(sealed, 0, out, 12, sealed.length);
            return "v1:" + Base64.getEncoder().encodeToString(out);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
