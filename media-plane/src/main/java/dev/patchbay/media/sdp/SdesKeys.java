package dev.patchbay.media.sdp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The SDES (RFC 4568) side of an SRTP call: the caller's master key and salt from its a=crypto
 * line, and ours for the answer. Only AES_CM_128_HMAC_SHA1_80 is accepted.
 *
 * @param tag         the crypto attribute's tag, echoed in the answer
 * @param remoteKey   16-byte master key the caller encrypts with
 * @param remoteSalt  14-byte master salt the caller uses
 * @param localKey    our master key
 * @param localSalt   our master salt
 */
public record SdesKeys(int tag, byte[] remoteKey, byte[] remoteSalt, byte[] localKey, byte[] localSalt) {

    public static final String SUITE = "AES_CM_128_HMAC_SHA1_80";

    /** Parses "inline:<base64 key||salt>[|lifetime][|MKI]" and draws our own key. Null if unusable. */
    static SdesKeys accept(int tag, String keyParams, SecureRandom random) {
        byte[] material = inlineMaterial(keyParams);
        if (material == null) {
            return null;
        }
        byte[] ours = new byte[30];
        random.nextBytes(ours);
        return new SdesKeys(tag, Arrays.copyOf(material, 16), Arrays.copyOfRange(material, 16, 30),
                Arrays.copyOf(ours, 16), Arrays.copyOfRange(ours, 16, 30));
    }

    /** The 30 bytes of key and salt in "inline:<base64>[|lifetime][|MKI]", or null if unusable. */
    static byte[] inlineMaterial(String keyParams) {
        if (!keyParams.startsWith("inline:")) {
            return null;
        }
        String inline = keyParams.substring(7);
        int bar = inline.indexOf('|');
        try {
            byte[] material = Base64.getDecoder().decode(bar < 0 ? inline : inline.substring(0, bar));
            return material.length == 30 ? material : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Our a=crypto value for the answer. */
    String answerAttribute() {
        byte[] material = new byte[30];
        System.arraycopy(localKey, 0, material, 0, 16);
        System.arraycopy(localSalt, 0, material, 16, 14);
        return tag + " " + SUITE + " inline:" + Base64.getEncoder().encodeToString(material);
    }
}
