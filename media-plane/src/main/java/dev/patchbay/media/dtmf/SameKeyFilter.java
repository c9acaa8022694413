package dev.patchbay.media.dtmf;

import dev.patchbay.proto.media.v1.DtmfSource;

/**
 * Some gateways send one key two ways (RFC 4733 and INFO): this lets the bot hear it once. A key
 * is a repeat when the same digit came by another source within half a second. Loop-owned.
 */
public final class SameKeyFilter {

    private static final long SAME_KEY_NANOS = 500_000_000L;
    private char lastDigit;
    private DtmfSource lastSource;
    private long lastNanos;

    /** True when the digit is new and should be reported. */
    public boolean admit(char digit, DtmfSource source, long nowNanos) {
        if (digit == lastDigit && source != lastSource && nowNanos - lastNanos < SAME_KEY_NANOS) {
            return false;
        }
        lastDigit = digit;
        lastSource = source;
        lastNanos = nowNanos;
        return true;
    }
}
