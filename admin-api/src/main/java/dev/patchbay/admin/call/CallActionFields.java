package dev.patchbay.admin.call;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/**
 * The bodies of a call's transfer ({@code {"to"}}) and DTMF ({@code {"digits", "duration_ms"}}), judged
 * as the control-plane's call actions judge them, with a 422 naming the field.
 */
final class CallActionFields {

    /** How long the transfer route waits for the final NOTIFY before it answers 202. */
    static final Duration TRANSFER_WAIT = Duration.ofSeconds(2);

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern TEL = Pattern.compile("tel:\\+[1-9][0-9]{6,14}");
    private static final Pattern SIP = Pattern.compile("sips?:[^@\\s<>\"]+@[A-Za-z0-9.\\-\\[\\]:]+(;[^\\s<>\"]*)?");
    private static final Pattern DIGITS = Pattern.compile("[0-9*#A-D,]{1,32}");

    /** Digits as the node takes them, their duration, and how many keys (pauses not counted). */
    record Dtmf(String digits, int durationMs, int keys) { }

    private CallActionFields() {
    }

    /** The Refer-To URI: a sip:/sips: URI with a host as given, a tel: URI, or an E.164 number as tel:. */
    static String target(JsonBody body) {
        Optional<String> to = body.string("to");
        body.requireShape();
        String t = to.map(String::strip).orElse("");
        if (t.length() <= 1024 && (SIP.matcher(t).matches() || TEL.matcher(t).matches())) {
            return t;
        }
        if (E164.matcher(t).matches()) {
            return "tel:" + t;
        }
        throw ProblemException.invalid("the transfer target is not valid", List.of(new FieldError("to",
                "must be an E.164 number (+14155550100), a tel: URI or a sip: URI with a host (sip:agent@pbx.example.com)")));
    }

    static Dtmf dtmf(JsonBody body) {
        Optional<String> digits = body.string("digits");
        Optional<Long> duration = body.integer("duration_ms");
        body.requireShape();
        String d = digits.map(s -> s.strip().toUpperCase(Locale.ROOT)).orElse("");
        List<FieldError> errors = new ArrayList<>();
        if (!DIGITS.matcher(d).matches() || d.chars().allMatch(c -> c == ',')) {
            errors.add(new FieldError("digits", "must be 1 to 32 of 0-9 * # A-D, with ',' for a 500 ms pause"));
        }
        if (duration.isPresent() && (duration.get() < 40 || duration.get() > 2000)) {
            errors.add(new FieldError("duration_ms", "must be from 40 to 2000 milliseconds per digit"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the DTMF request is not valid", errors);
        }
        return new Dtmf(d, duration.orElse(100L).intValue(), (int) d.chars().filter(c -> c != ',').count());
    }
}
