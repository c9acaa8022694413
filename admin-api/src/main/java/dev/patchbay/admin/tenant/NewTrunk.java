package dev.patchbay.admin.tenant;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/**
 * A valid {@code POST /v1/workspaces/{id}/trunks} body: an outbound trunk (host, port, transport,
 * caller ID; the default direction) or an inbound one (allowed_cidrs, transports, tls_required, see
 * {@link InboundTrunkFields}). The password is still plain here; the service seals it before anything
 * is stored.
 */
public record NewTrunk(String name, TrunkSide side, String username, String password, DtmfMode dtmfMode,
                       List<String> codecs) {

    static final List<String> FIELDS = List.of("name", "direction", "host", "port", "transport", "caller_id",
            "caller_id_override", "allowed_cidrs", "transports", "tls_required", "username", "password",
            "dtmf_mode", "codecs");

    static final int MAX_HOST = 253;       // RFC 1035 names; trunks.host is 255
    static final int MAX_USERNAME = 255;   // trunks.username
    // Sealed, a password grows by 28 bytes and then by a third (base64): 512 bytes stay well inside password_enc's 1024.
    public static final int MAX_PASSWORD_BYTES = 512;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern DOTTED_QUAD = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+");
    // Digest auth sends the user name as a quoted-string, so quotes and backslashes would break the header.
    private static final Pattern USERNAME = Pattern.compile("[^\\s\\p{Cntrl}\"\\\\]{1," + MAX_USERNAME + "}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    @Override
    public String toString() {
        return "NewTrunk[name=" + name + ", side=" + side + ", username=" + username + ", password="
                + (password == null ? "<none>" : "<redacted>") + ", dtmfMode=" + dtmfMode + ", codecs=" + codecs + "]";
    }

    public static NewTrunk parse(JsonBody body) {
        Optional<String> name = body.string("name");
        Optional<String> direction = body.string("direction");
        Optional<String> host = body.string("host");
        Optional<Long> port = body.integer("port");
        Optional<String> transport = body.string("transport");
        Optional<String> callerId = body.string("caller_id");
        Optional<Boolean> callerIdOverride = body.bool("caller_id_override");
        Optional<List<String>> cidrs = body.stringList("allowed_cidrs");
        Optional<List<String>> transports = body.stringList("transports");
        Optional<Boolean> tlsRequired = body.bool("tls_required");
        Optional<String> username = body.string("username");
        Optional<String> password = body.string("password");
        Optional<String> dtmfMode = body.string("dtmf_mode");
        Optional<List<String>> codecs = body.stringList("codecs");
        body.requireShape();

        List<FieldError> errors = new ArrayList<>();
        String n = Values.name(name, errors);
        TrunkSide side = switch (direction.orElse("outbound")) {
            case "outbound" -> {
                InboundTrunkFields.onlyFor("inbound", errors, Map.of("allowed_cidrs", cidrs.isPresent(),
                        "transports", transports.isPresent(), "tls_required", tlsRequired.isPresent()));
                String h = host(host, errors);
                Transport t = transport(transport, errors);
                Integer p = port(port, t, errors);
                String c = callerId(callerId, errors);
                if (callerIdOverride.orElse(true) == Boolean.FALSE && callerId.isEmpty()) {
                    errors.add(new FieldError("caller_id", "is required when caller_id_override is false: every call"
                            + " on the trunk is sent with it"));
                }
                yield h == null || t == null || p == null ? null
                        : new TrunkSide.Outbound(h, p, t, c, callerIdOverride.orElse(true));
            }
            case "inbound" -> {
                InboundTrunkFields.onlyFor("outbound", errors, Map.of("host", host.isPresent(), "port", port.isPresent(),
                        "transport", transport.isPresent(), "caller_id", callerId.isPresent(),
                        "caller_id_override", callerIdOverride.isPresent()));
                yield InboundTrunkFields.parse(cidrs, transports, tlsRequired, errors);
            }
            default -> {
                errors.add(new FieldError("direction", "must be inbound (who may call the workspace) or outbound"
                        + " (where its calls go); omit it for outbound"));
                yield null;
            }
        };
        String u = username(username, password.isPresent(), errors);
        String pw = password(password, errors);
        if (side instanceof TrunkSide.Inbound in) {
            InboundTrunkFields.requireAWayIn(in, u != null || username.isPresent(), password.isPresent(), errors);
        }
        DtmfMode dtmf = dtmfMode.isEmpty() ? DtmfMode.AUTO : DtmfMode.fromWire(dtmfMode.get()).orElse(null);
        if (dtmf == null) {
            errors.add(new FieldError("dtmf_mode", "must be one of " + DtmfMode.NAMES + ": auto sends RFC 4733 when the far end"
                    + " negotiated telephone-event and in-band tones otherwise; omit it for auto"));
        }
        List<String> order = TrunkCodecs.parse(codecs, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the trunk is not valid", errors);
        }
        return new NewTrunk(n, side, u, pw, dtmf, order);
    }

    /** E.164 only, like the provider API's from: carriers expect a full number in From. */
    private static String callerId(Optional<String> value, List<FieldError> errors) {
        if (value.isEmpty()) {
            return null;
        }
        String c = value.get().strip();
        if (!E164.matcher(c).matches()) {
            errors.add(new FieldError("caller_id", "must be an E.164 number such as +14155550100"));
            return null;
        }
        return c;
    }

    /** A host name, an IPv4 literal, or an IPv6 literal (stored in brackets, the form SIP URIs need). */
    public static String host(Optional<String> value, List<FieldError> errors) {
        String expected = "must be a host name (sip.carrier.example), an IPv4 address or an IPv6 address";
        if (value.isEmpty() || value.get().isBlank()) {
            errors.add(new FieldError("host", "is required; " + expected));
            return null;
        }
        String raw = value.get().strip().toLowerCase(Locale.ROOT);
        if (raw.startsWith("[") || raw.contains(":")) {
            String literal = raw.startsWith("[") && raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : raw;
            // No zone ids: "%eth0" names an interface of this machine, which means nothing to a media-plane elsewhere.
            if (literal.isEmpty() || literal.contains("%") || literal.contains("[") || literal.contains("]")
                    || !isIpv6(literal)) {
                errors.add(new FieldError("host", expected + "; without a port (use the port field)"));
                return null;
            }
            return "[" + literal + "]";
        }
        if (DOTTED_QUAD.matcher(raw).matches()) {
            for (String octet : raw.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    errors.add(new FieldError("host", expected + "; each IPv4 part is 0 to 255"));
                    return null;
                }
            }
            return raw;
        }
        String name = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
        String[] labels = name.split("\\.", -1);
        boolean valid = !name.isEmpty() && name.length() <= MAX_HOST
                && Arrays.stream(labels).allMatch(l -> LABEL.matcher(l).matches())
                // RFC 1123 section 2.1: a top label of digits only would be read as an address.
                && !NUMERIC.matcher(labels[labels.length - 1]).matches();
        if (!valid) {
            errors.add(new FieldError("host", expected + " (letters, digits, '-' and '.', at most " + MAX_HOST
                    + " characters, no scheme, port or path)"));
            return null;
        }
        return name;
    }

    private static boolean isIpv6(String literal) {
        // Only hex digits, ':' and '.' reach getByName, which parses such text as a literal and never asks DNS.
        if (!IPV6_CHARS.matcher(literal).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(literal) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Transport transport(Optional<String> value, List<FieldError> errors) {
        if (value.isEmpty()) {
            return Transport.UDP;
        }
        Optional<Transport> t = Transport.fromWire(value.get());
        if (t.isEmpty()) {
            errors.add(new FieldError("transport", "must be one of " + Transport.NAMES));
            return null;
        }
        return t.get();
    }

    /** The given port, or the transport's well-known one. */
    private static Integer port(Optional<Long> value, Transport transport, List<FieldError> errors) {
        if (value.isEmpty()) {
            return transport == null ? null : transport.defaultPort();
        }
        long p = value.get();
        if (p < 1 || p > 65535) {
            errors.add(new FieldError("port", "must be between 1 and 65535; omit it for 5060 (5061 with tls)"));
            return null;
        }
        return (int) p;
    }

    private static String username(Optional<String> value, boolean hasPassword, List<FieldError> errors) {
        if (value.isEmpty() || value.get().isBlank()) {
            if (hasPassword) {
                errors.add(new FieldError("username", "is required when a password is set: digest auth sends both"));
            }
            return null;
        }
        String u = value.get().strip();
        if (!USERNAME.matcher(u).matches()) {
            errors.add(new FieldError("username", "must be 1 to " + MAX_USERNAME
                    + " characters without spaces, quotes, backslashes or control characters"));
            return null;
        }
        return u;
    }

    // Not stripped: leading or trailing spaces may be part of a password.
    private static String password(Optional<String> value, List<FieldError> errors) {
        if (value.isEmpty()) {
            return null;
        }
        String pw = value.get();
        if (pw.isEmpty()) {
            errors.add(new FieldError("password", "must not be empty; leave it out for a trunk without authentication"));
            return null;
        }
        if (pw.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES || pw.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("password", "must be at most " + MAX_PASSWORD_BYTES
                    + " bytes in UTF-8, without control characters"));
            return null;
        }
        return pw;
    }
}
