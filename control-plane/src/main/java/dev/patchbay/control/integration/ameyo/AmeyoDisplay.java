package dev.patchbay.control.integration.ameyo;

import java.util.regex.Pattern;

import dev.patchbay.control.model.AmeyoTag;

/**
 * Ameyo's From display name {@code "<DID>|<CRT Object ID>"} (seed 000), e.g.
 * {@code "00919990152080|d444-69139d35-vce-daf-3883"}; the media-plane has already removed the quotes.
 * The DID comes in {@code 00} form and is looked up in E.164; both forms are kept.
 */
public final class AmeyoDisplay {

    /** The outcome of parsing; {@link Malformed#reason()} names what is wrong, for the 400's Reason. */
    public sealed interface Parsed {
        record Ok(AmeyoTag tag) implements Parsed { }

        record Malformed(String reason) implements Parsed { }
    }

    private static final Pattern DID = Pattern.compile("[0-9]{3,20}");
    /** Visible ASCII without the separator: the CRT id goes into a JSON body and SIP reasons unchanged. */
    private static final Pattern CRT = Pattern.compile("[!-{}~]{1,128}");

    private AmeyoDisplay() {
    }

    public static Parsed parse(String display) {
        String d = display == null ? "" : display.strip();
        if (d.startsWith("\"") && d.endsWith("\"") && d.length() >= 2) {
            d = d.substring(1, d.length() - 1);
        }
        int bar = d.indexOf('|');
        if (bar < 0) {
            return new Parsed.Malformed("From display '" + clip(d) + "' is not \"<DID>|<CRT Object ID>\"");
        }
        String raw = d.substring(0, bar).strip();
        String crt = d.substring(bar + 1).strip();
        if (!DID.matcher(raw).matches()) {
            return new Parsed.Malformed("From display DID '" + clip(raw) + "' must be 3 to 20 digits in 00 form");
        }
        if (crt.isEmpty()) {
            return new Parsed.Malformed("From display has no CRT Object ID after '|'");
        }
        if (!CRT.matcher(crt).matches()) {
            return new Parsed.Malformed("From display CRT Object ID must be 1 to 128 visible ASCII characters without '|'");
        }
        String e164 = raw.startsWith("00") && raw.length() > 3 ? "+" + raw.substring(2) : raw;
        return new Parsed.Ok(new AmeyoTag(e164, raw, crt));
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
