package dev.patchbay.media.srtp;

import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * SRTP (RFC 3711) for one direction of one call, with the AES_CM_128_HMAC_SHA1_80 suite that SDES
 * offers carry: AES in counter mode over the payload, an 80-bit HMAC-SHA1 tag over the packet and
 * the rollover counter, and a 64-packet replay window. The cipher work is the JDK's AES and SHA-1;
 * this class only arranges counters, keys and bytes, without allocating per packet.
 * Packets are protected and unprotected in place. SRTCP is not handled: RTCP is ignored anyway.
 */
public final class SrtpContext {

    public static final int TAG_BYTES = 10;
    public static final String SUITE = "AES_CM_128_HMAC_SHA1_80";

    /** Why {@link #unprotect} refused a packet. */
    public static final int AUTH_FAILED = -1;
    public static final int REPLAYED = -2;
    public static final int MALFORMED = -3;

    private final Cipher aes;
    // HMAC-SHA1 (RFC 2104) over the JDK's SHA-1: javax.crypto.Mac allocates its result on every
    // doFinal, MessageDigest can write into our buffer.
    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[64];
    private final byte[] outerPad = new byte[64];
    private final byte[] innerHash = new byte[20];
    private final byte[] salt;
    private final byte[] counter = new byte[16];
    private final byte[] stream = new byte[16];
    private final byte[] tag = new byte[20];
    private final byte[] rocBytes = new byte[4];

    // Sender: the rollover counter follows our own sequence numbers.
    private long sendRoc;
    private int lastSentSeq = -1;

    // Receiver: RFC 3711 section 3.3.1 index estimation, and the replay window.
    private long roc;
    private int highestSeq = -1;
    private long highestIndex = -1;
    private long window;

    private SrtpContext(byte[] cipherKey, byte[] authKey, byte[] salt) throws GeneralSecurityException {
        this.aes = Cipher.getInstance("AES/ECB/NoPadding");
        this.aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cipherKey, "AES"));
        this.inner = MessageDigest.getInstance("SHA-1");
        this.outer = MessageDigest.getInstance("SHA-1");
        byte[] key = authKey.length > 64 ? MessageDigest.getInstance("SHA-1").digest(authKey) : authKey;
        for (int i = 0; i < 64; i++) {
            byte k = i < key.length ? key[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
        }
        this.salt = salt;
    }

    /** The HMAC-SHA1 of {@code data}, for checking this class's HMAC against javax.crypto.Mac. */
    byte[] hmacForTest(byte[] data) {
        inner.update(innerPad);
        inner.update(data);
        byte[] h = inner.digest();
        outer.update(outerPad);
        return outer.digest(h);
    }

    /** A context from already-derived session keys (for the RFC 3711 test vectors). */
    static SrtpContext fromSession(byte[] cipherKey, byte[] authKey, byte[] salt) throws GeneralSecurityException {
        return new SrtpContext(cipherKey, authKey, salt);
    }

    /** A context from an SDES master key (16 bytes) and master salt (14 bytes), key derivation rate 0. */
    public static SrtpContext fromMaster(byte[] masterKey, byte[] masterSalt) throws GeneralSecurityException {
        if (masterKey.length != 16 || masterSalt.length != 14) {
            throw new GeneralSecurityException("AES_CM_128 needs a 16-byte master key and a 14-byte master salt");
        }
        return new SrtpContext(derive(masterKey, masterSalt, 0, 16), derive(masterKey, masterSalt, 1, 20),
                derive(masterKey, masterSalt, 2, 14));
    }

    /** RFC 3711 section 4.3.1 with r = 0: AES-CM keystream at IV = (salt XOR label) * 2^16. */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, 14);
        iv[7] ^= (byte) label;
        byte[] out = new byte[length];
        byte[] block = new byte[16];
        for (int j = 0, done = 0; done < length; j++, done += 16) {
            iv[14] = (byte) (j >> 8);
            iv[15] = (byte) j;
            cipher.doFinal(iv, 0, 16, block, 0);
            System.arraycopy(block, 0, out, done, Math.min(16, length - done));
        }
        return out;
    }

    /**
     * Encrypts the payload and appends the tag; {@code buf} needs {@link #TAG_BYTES} spare bytes.
     *
     * @return the protected length
     */
    public int protect(byte[] buf, int off, int len) {
        int header = headerLength(buf, off, len);
        int seq = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
        if (lastSentSeq >= 0 && seq < lastSentSeq && lastSentSeq - seq > 0x8000) {
            sendRoc++; // our sequence number wrapped
        }
        lastSentSeq = seq;
        long index = (sendRoc << 16) | seq;
        crypt(buf, off, header, len, ssrc(buf, off), index);
        authenticate(buf, off, len, sendRoc);
        System.arraycopy(tag, 0, buf, off + len, TAG_BYTES);
        return len + TAG_BYTES;
    }

    /**
     * Checks the tag, refuses replays and decrypts in place.
     *
     * @return the plain RTP length, or {@link #AUTH_FAILED}, {@link #REPLAYED} or {@link #MALFORMED}
     */
    public int unprotect(byte[] buf, int off, int len) {
        int rtpLen = len - TAG_BYTES;
        if (rtpLen < 12 || headerLength(buf, off, rtpLen) < 0) {
            return MALFORMED;
        }
        int seq = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
        long guess = estimateRoc(seq);
        authenticate(buf, off, rtpLen, guess);
        if (!tagMatches(buf, off + rtpLen)) {
            return AUTH_FAILED;
        }
        long index = (guess << 16) | seq;
        if (!fresh(index)) {
            return REPLAYED;
        }
        crypt(buf, off, headerLength(buf, off, rtpLen), rtpLen, ssrc(buf, off), index);
        if (guess > roc || (guess == roc && seq > highestSeq)) {
            roc = guess;
            highestSeq = seq;
        }
        return rtpLen;
    }

    /** Constant-time comparison of the computed tag with the packet's, without copying. */
    private boolean tagMatches(byte[] buf, int at) {
        int diff = 0;
        for (int i = 0; i < TAG_BYTES; i++) {
            diff |= tag[i] ^ buf[at + i];
        }
        return diff == 0;
    }

    private long estimateRoc(int seq) {
        if (highestSeq < 0) {
            return roc;
        }
        if (highestSeq < 0x8000) {
            return seq - highestSeq > 0x8000 ? roc - 1 : roc;
        }
        return highestSeq - 0x8000 > seq ? roc + 1 : roc;
    }

    /** The 64-packet replay window: true (and remembered) the first time an index is seen. */
    private boolean fresh(long index) {
        if (highestIndex < 0 || index > highestIndex) {
            long shift = highestIndex < 0 ? 64 : index - highestIndex;
            window = shift >= 64 ? 1 : (window << shift) | 1;
            highestIndex = index;
            return true;
        }
        long age = highestIndex - index;
        if (age >= 64 || (window & (1L << age)) != 0) {
            return false;
        }
        window |= 1L << age;
        return true;
    }

    private void crypt(byte[] buf, int off, int header, int len, long ssrc, long index) {
        for (int i = 0; i < 14; i++) {
            counter[i] = salt[i];
        }
        counter[14] = 0;
        counter[15] = 0;
        for (int i = 0; i < 4; i++) {
            counter[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            counter[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        try {
            for (int at = off + header, block = 0; at < off + len; at += 16, block++) {
                counter[14] = (byte) (block >> 8);
                counter[15] = (byte) block;
                aes.update(counter, 0, 16, stream, 0);
                for (int i = 0; i < 16 && at + i < off + len; i++) {
                    buf[at + i] ^= stream[i];
                }
            }
        } catch (ShortBufferException e) {
            throw new IllegalStateException("AES block buffer", e);
        }
    }

    private void authenticate(byte[] buf, int off, int len, long rollover) {
        rocBytes[0] = (byte) (rollover >>> 24);
        rocBytes[1] = (byte) (rollover >>> 16);
        rocBytes[2] = (byte) (rollover >>> 8);
        rocBytes[3] = (byte) rollover;
        try {
            inner.update(innerPad);
            inner.update(buf, off, len);
            inner.update(rocBytes);
            inner.digest(innerHash, 0, 20);
            outer.update(outerPad);
            outer.update(innerHash);
            outer.digest(tag, 0, 20);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-1 buffer", e);
        }
    }

    private static long ssrc(byte[] buf, int off) {
        return ((buf[off + 8] & 0xFFL) << 24) | ((buf[off + 9] & 0xFFL) << 16) | ((buf[off + 10] & 0xFFL) << 8) | (buf[off + 11] & 0xFFL);
    }

    /** The RTP header length with CSRCs and extension, or -1 when the packet is too short for it. */
    static int headerLength(byte[] buf, int off, int len) {
        int h = 12 + 4 * (buf[off] & 0x0F);
        if ((buf[off] & 0x10) != 0) {
            if (len < h + 4) {
                return -1;
            }
            h += 4 + 4 * (((buf[off + h + 2] & 0xFF) << 8) | (buf[off + h + 3] & 0xFF));
        }
        return h <= len ? h : -1;
    }
}
