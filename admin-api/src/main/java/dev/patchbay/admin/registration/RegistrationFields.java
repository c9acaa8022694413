package dev.patchbay.admin.registration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.patchbay.admin.tenant.NewTrunk;
import dev.patchbay.admin.tenant.Transport;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/**
 * A valid {@code PUT .../trunks/{trunk}/registration} body. The password is still plain here and
 * may be null on a change that keeps the stored one.
 *
 * @param registrar {@code sip:host} or {@code sip:host:port}, host normalised as a trunk's host
 */
record RegistrationFields(String registrar, Transport transport, String username, String password, int expires) {

    static final List<String> FIELDS = List.of("registrar", "transport", "username", "password", "expires");
    static final int DEFAULT_EXPIRES = 3600;
    static final int MIN_EXPIRES = 60;       // RFC 3261 section 10.2.8's usual floor; V22 checks the same range
    static final int MAX_EXPIRES = 86400;

    // RFC 3261 user: unreserved and user-unreserved characters, so the address of record needs no escaping.
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.!~*'()&=+$,;?/-]{1,128}");

    @Override
    public String toString() {
        return "RegistrationFields[registrar=" + registrar + ", transport=" + transport + ", username=" + username
                + ", password=" + (password == null ? "<unchanged>" : "<redacted>") + ", expires=" + expires + "]";
    }

    /** @param passwordRequired whether there is no stored password to keep (the first PUT) */
    static RegistrationFields parse(JsonBody body, boolean passwordRequired) {
        Optional<String> registrar = body.string("registrar");
        Optional<String> transport = body.string("transport");
        Optional<String> username = body.string("username");
        Optional<String> password = body.string("password");
        Optional<Long> expires = body.integer("expires");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        String r = registrar(registrar, errors);
        Transport t = transport.isEmpty() ? Transport.UDP : Transport.fromWire(transport.get()).orElse(null);
        if (t == null) {
            errors.add(new FieldError("transport", "must be one of " + Transport.NAMES + "; omit it for udp"));
        }
        String u = username.map(String::strip).orElse("");
        if (!USER.matcher(u).matches()) {
            errors.add(new FieldError("username", "is required: 1 to 128 letters, digits or - _ . ! ~ * ' ( ) & = + $ , ; ? /"
                    + " (the user part of the address of record, sip:<username>@<registrar host>)"));
        }
        String pw = password.orElse(null);
        if (pw == null && passwordRequired) {
            errors.add(new FieldError("password", "is required: the registrar's digest password (write-only)"));
        } else if (pw != null && (pw.isEmpty() || pw.getBytes(StandardCharsets.UTF_8).length > NewTrunk.MAX_PASSWORD_BYTES
                || pw.chars().anyMatch(Character::isISOControl))) {
            errors.add(new FieldError("password", "must be 1 to " + NewTrunk.MAX_PASSWORD_BYTES
                    + " bytes in UTF-8, without control characters; omit it to keep the stored one"));
        }
        long e = expires.orElse((long) DEFAULT_EXPIRES);
        if (e < MIN_EXPIRES || e > MAX_EXPIRES) {
            errors.add(new FieldError("expires", "must be " + MIN_EXPIRES + " to " + MAX_EXPIRES
                    + " seconds; omit it for " + DEFAULT_EXPIRES));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the registration is not valid", errors);
        }
        return new RegistrationFields(r, t, u, pw, (int) e);
    }

    /** {@code sip:host[:port]}: no user part, parameters or headers; those belong to the other fields. */
    private static String registrar(Optional<String> value, List<FieldError> errors) {
        String expected = "must be sip:host or sip:host:port, e.g. sip:pbx.example.com:5060 (transport is its own field)";
        String raw = value.map(String::strip).orElse("");
        if (!raw.regionMatches(true, 0, "sip:", 0, 4) || raw.length() == 4 || raw.contains("@") || raw.contains(";")
                || raw.contains("?")) {
            errors.add(new FieldError("registrar", (value.isEmpty() ? "is required; " : "") + expected));
            return null;
        }
        String hostPort = raw.substring(4);
        String host = hostPort;
        String port = null;
        int colon = hostPort.startsWith("[") ? hostPort.indexOf("]:") + 1 : hostPort.lastIndexOf(':');
        if (colon > 0 && (hostPort.startsWith("[") || hostPort.indexOf(':') == colon)) {
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon + 1);
        }
        List<FieldError> hostErrors = new ArrayList<>();
        String h = NewTrunk.host(Optional.of(host), hostErrors);
        boolean portOk = port == null || port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
        if (h == null || !portOk) {
            errors.add(new FieldError("registrar", expected + (h == null ? "; the host " + hostErrors.getFirst().detail()
                    : "; the port is 1 to 65535")));
            return null;
        }
        return "sip:" + h + (port == null ? "" : ":" + Integer.parseInt(port));
    }
}
