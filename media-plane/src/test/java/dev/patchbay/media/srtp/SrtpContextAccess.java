package dev.patchbay.media.srtp;

/** Lets tests in other packages build a context from an SDES inline key (16-byte key + 14-byte salt). */
public final class SrtpContextAccess {

    private SrtpContextAccess() {
    }

    public static SrtpContext context(byte[] keyAndSalt) throws java.security.GeneralSecurityException {
        return SrtpContext.fromMaster(java.util.Arrays.copyOf(keyAndSalt, 16), java.util.Arrays.copyOfRange(keyAndSalt, 16, 30));
    }
}
