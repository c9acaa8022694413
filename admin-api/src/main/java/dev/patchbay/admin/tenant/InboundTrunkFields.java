package dev.patchbay.admin.tenant;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.patchbay.rest.FieldError;

/**
 * The fields of an inbound trunk: which sources may call (allowed_cidrs), over which transports, and
 * whether TLS is required. Digest credentials (username, password) are the other way in; a trunk needs
 * at least one of the two, or it would admit nobody while still closing the workspace to everyone else.
 */
final class InboundTrunkFields {

    static final int MAX_CIDRS = 100;     // allowed_cidrs is VARCHAR(4000): 100 IPv6 CIDRs of 39 characters fit
    static final int MAX_CIDRS_CHARS = 4000;

    private InboundTrunkFields() {
    }

    static TrunkSide.Inbound parse(Optional<List<String>> cidrs, Optional<List<String>> transports,
                                   Optional<Boolean> tlsRequired, List<FieldError> errors) {
        int before = errors.size();
        List<String> c = cidrs(cidrs.orElse(List.of()), errors);
        Set<Transport> t = transports(transports, errors);
        boolean tls = tlsRequired.orElse(false);
        if (tls && !t.contains(Transport.TLS)) {
            errors.add(new FieldError("tls_required", "is true but transports leaves out tls; add \"tls\" to transports"
                    + " or omit transports"));
        }
        return errors.size() > before ? null : new TrunkSide.Inbound(c, t, tls);
    }

    /** An inbound trunk admits by source or by digest; with neither it would only lock the workspace. */
    static void requireAWayIn(TrunkSide.Inbound in, boolean hasUsername, boolean hasPassword, List<FieldError> errors) {
        if (hasUsername && !hasPassword) {
            errors.add(new FieldError("password", "is required with username on an inbound trunk: callers prove the"
                    + " password by digest"));
        } else if (in.allowedCidrs().isEmpty() && !hasUsername) {
            errors.add(new FieldError("allowed_cidrs", "is required unless username and password are set: an inbound"
                    + " trunk must admit callers by source address or by digest, e.g. [\"203.0.113.0/24\"]"));
        }
    }

    /** Fields of the other direction are refused rather than silently ignored. */
    static void onlyFor(String direction, List<FieldError> errors, Map<String, Boolean> present) {
        present.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted()
                .forEach(f -> errors.add(new FieldError(f, "applies only to " + direction + " trunks; set \"direction\":\""
                        + direction + "\" or leave it out")));
    }

    private static List<String> cidrs(List<String> values, List<FieldError> errors) {
        if (values.size() > MAX_CIDRS) {
            errors.add(new FieldError("allowed_cidrs", "must hold at most " + MAX_CIDRS + " CIDRs"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String c = values.get(i).strip();
            String problem = CidrText.problem(c);
            if (problem != null) {
                errors.add(new FieldError("allowed_cidrs[" + i + "]", "'" + c + "' " + problem));
            } else {
                out.add(c);
            }
        }
        if (String.join(",", out).length() > MAX_CIDRS_CHARS) {
            errors.add(new FieldError("allowed_cidrs", "must fit " + MAX_CIDRS_CHARS + " characters when joined by commas"));
        }
        return out;
    }

    /** Absent means all three; an empty list would admit nothing and is refused. */
    private static Set<Transport> transports(Optional<List<String>> values, List<FieldError> errors) {
        if (values.isEmpty()) {
            return EnumSet.allOf(Transport.class);
        }
        if (values.get().isEmpty()) {
            errors.add(new FieldError("transports", "must name at least one of " + Transport.NAMES + "; omit it for all"));
            return EnumSet.noneOf(Transport.class);
        }
        Set<Transport> out = EnumSet.noneOf(Transport.class);
        for (int i = 0; i < values.get().size(); i++) {
            Optional<Transport> t = Transport.fromWire(values.get().get(i));
            if (t.isEmpty()) {
                errors.add(new FieldError("transports[" + i + "]", "must be one of " + Transport.NAMES));
            } else {
                out.add(t.get());
            }
        }
        return out;
    }
}
