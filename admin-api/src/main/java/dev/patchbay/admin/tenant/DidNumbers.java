package dev.patchbay.admin.tenant;

import java.util.regex.Pattern;

/**
 * What a DID may be: an E.164 number, or a SIP user part for trunks that dial names or extensions
 * ({@code sip:echo@host}). International numbers in {@code 00} form, as Ameyo sends them, are
 * stored in E.164 so that one number has one spelling in the unique index.
 */
public final class DidNumbers {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final Pattern INTERNATIONAL_00 = Pattern.compile("00[0-9]*");
    // RFC 3261 "user" without escapes: unreserved and user-unreserved characters.
    private static final Pattern SIP_USER = Pattern.compile("[A-Za-z0-9\\-_.!~*'()&=+$,;?/]{1,64}");

    private DidNumbers() {
    }

    /**
     * The number as stored.
     *
     * @throws IllegalArgumentException with a message that says what a valid number looks like
     */
    public static String normalise(String raw) {
        String s = raw.strip();
        if (s.startsWith("+")) {
            if (!E164.matcher(s).matches()) {
                throw new IllegalArgumentException("'" + s + "' is not E.164: '+', a country code starting 1-9,"
                        + " then digits only, 15 digits at most");
            }
            return s;
        }
        if (INTERNATIONAL_00.matcher(s).matches()) {
            String e164 = "+" + s.substring(2);
            if (!E164.matcher(e164).matches()) {
                throw new IllegalArgumentException("'" + s + "' is an international number in 00 form, but '" + e164
                        + "' is not E.164: a country code starting 1-9, 15 digits at most");
            }
            return e164;
        }
        if (!SIP_USER.matcher(s).matches()) {
            throw new IllegalArgumentException("must be an E.164 number (+14155550100), an international number"
                    + " in 00 form (004930123456), or a SIP user part of 1 to 64 letters, digits and -_.!~*'()&=+$,;?/");
        }
        return s;
    }
}
