package dev.patchbay.media.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.AcceptHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.message.SIPRequest;

/**
 * Checks a request before any dialog, routing or SDP logic sees it, in the order RFC 3261 §8.2
 * gives a UAS: the message itself (size, framing, version, mandatory headers, CSeq, Max-Forwards),
 * then the method (§8.2.1), the Request-URI scheme (§8.2.2.1), Require (§8.2.2.3) and the body's
 * type (§8.2.3). The first failure names the status; ACK is never answered, so for ACK a failure
 * means the request is dropped.
 */
final class RequestValidator {

    /** Why a request is refused: its status and reason, and one header the status requires (or null). */
    record Refusal(int status, String reason, String headerName, String headerValue) {
        static Refusal of(int status, String reason) {
            return new Refusal(status, reason, null, null);
        }
    }

    /** RFC 3261 §8.1.1.5: a CSeq number must be below 2^31. */
    static final long CSEQ_LIMIT = 1L << 31;
    /** Option tags a request may Require of us (RFC 4028 session timers). */
    static final Set<String> EXTENSIONS = Set.of("100rel", "timer"); // reliable provisionals (RFC 3262), session timers (RFC 4028)
    private static final Set<String> METHODS = Set.of(SipTools.ALLOW.split(",\\s*"));
    /** Methods RFC 3261 and its extensions define, that Patchbay does not take: 405 rather than 501. */
    private static final Set<String> KNOWN_METHODS = Set.of("REGISTER", "MESSAGE", "SUBSCRIBE", "PUBLISH", "REFER", "PRACK");
    private static final Set<String> SCHEMES = Set.of("sip", "sips", "tel");

    private final MessageLimits limits;

    RequestValidator(MessageLimits limits) {
        this.limits = limits;
    }

    /** The refusal for {@code request}, or empty when it may go on to its handler. */
    Optional<Refusal> check(Request request) {
        Refusal r = message(request);
        if (r == null) {
            r = method(request);
        }
        if (r == null) {
            r = headers(request);
        }
        return Optional.ofNullable(r);
    }

    /**
     * Gives a request without Max-Forwards the 70 a proxy would add (RFC 3261 §16.6): RFC 2543
     * peers omit it (RFC 4475 §3.4.1), it means nothing to a UAS, and jain-sip opens no
     * transaction without it.
     */
    static void supplyMaxForwards(Request request, HeaderFactory headers) {
        if (request.getHeader(MaxForwardsHeader.NAME) == null) {
            try {
                request.setHeader(headers.createMaxForwardsHeader(70));
            } catch (InvalidArgumentException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The request as a message: what RFC 3261 §7, §8.1.1 and §18.3 say one must be. */
    private Refusal message(Request request) {
        FramingParser.Framing framing = request instanceof SIPRequest s && s.getApplicationData() instanceof FramingParser.Framing f
                ? f : null;
        if (framing != null && framing.datagramBytes() > limits.udpBytes()) {
            return Refusal.of(Response.MESSAGE_TOO_LARGE, "a " + framing.datagramBytes()
                    + "-byte datagram exceeds patchbay.sip.max-message-size.udp (" + limits.udpBytes() + ")");
        }
        if (framing != null && framing.status() != 0) {
            return Refusal.of(framing.status(), framing.problem());
        }
        if (request instanceof SIPRequest s && !"SIP/2.0".equals(s.getRequestLine().getSipVersion())) {
            return Refusal.of(Response.VERSION_NOT_SUPPORTED, "only SIP/2.0 is supported");
        }
        for (String name : List.of(ViaHeader.NAME, FromHeader.NAME, ToHeader.NAME, CallIdHeader.NAME, CSeqHeader.NAME)) {
            if (request.getHeader(name) == null) {
                return Refusal.of(Response.BAD_REQUEST, "missing " + name + " header");
            }
        }
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        if (cseq.getSeqNumber() >= CSEQ_LIMIT) {
            return Refusal.of(Response.BAD_REQUEST, "CSeq " + cseq.getSeqNumber() + " is not below 2^31");
        }
        if (!cseq.getMethod().equals(request.getMethod())) {
            return Refusal.of(Response.BAD_REQUEST, "CSeq method " + cseq.getMethod() + " does not match " + request.getMethod());
        }
        // jain-sip keeps a header it cannot parse as text rather than failing the message; for these
        // that text is what a proxy or UAS would have to act on, so it is an error (RFC 4475 §3.1.2.4).
        for (String raw : unparsed(request)) {
            String name = raw.substring(0, Math.max(0, raw.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
            if (name.equals("max-forwards") || name.equals("content-type") || name.equals("c") || name.equals("contact")
                    || name.equals("m") || name.equals("require") || name.equals("accept")) {
                return Refusal.of(Response.BAD_REQUEST, "malformed " + raw.strip());
            }
        }
        for (ListIterator<Header> it = request.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
            Address a = ((ContactHeader) it.next()).getAddress();
            if (a instanceof AddressImpl impl
                    && impl.getAddressType() == AddressImpl.ADDRESS_SPEC
                    && a.getURI() instanceof SipURI uri && uri.getHeaderNames().hasNext()) {
                // RFC 3261 §20: a URI with headers must be in <> (RFC 4475 §3.1.2.13)
                return Refusal.of(Response.BAD_REQUEST, "a Contact URI with headers must be enclosed in <>");
            }
        }
        if (request.getMethod().equals(Request.INVITE) && request.getHeader(ContactHeader.NAME) == null) {
            // RFC 3261 §8.1.1.8; without it there is no address to send the BYE to (RFC 2543 peers, RFC 4475 §3.4.1)
            return Refusal.of(Response.BAD_REQUEST, "an INVITE must carry a Contact");
        }
        return null;
    }

    /** RFC 3261 §8.2.1 and §21.5.2: 405 for a method we know but do not take, 501 for one we do not know. */
    private static Refusal method(Request request) {
        String method = request.getMethod();
        if (METHODS.contains(method)) {
            return null;
        }
        int status = KNOWN_METHODS.contains(method) ? Response.METHOD_NOT_ALLOWED : Response.NOT_IMPLEMENTED;
        return new Refusal(status, method + " is not supported by Patchbay", "Allow", SipTools.ALLOW);
    }

    /** RFC 3261 §8.2.2 and §8.2.3: Request-URI scheme, Require, and for INVITE the body Patchbay can read and write. */
    private static Refusal headers(Request request) {
        String scheme = request.getRequestURI().getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            return Refusal.of(Response.UNSUPPORTED_URI_SCHEME, "Request-URI scheme " + SipTools.sanitize(scheme) + " is not supported");
        }
        if (request.getRequestURI() instanceof SipURI uri && uri.getHeaderNames().hasNext()) {
            // RFC 3261 §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
            return Refusal.of(Response.BAD_REQUEST, "a Request-URI must not carry headers");
        }
        String method = request.getMethod();
        if (!method.equals(Request.ACK) && !method.equals(Request.CANCEL)) {
            List<String> unsupported = new ArrayList<>();
            for (ListIterator<Header> it = request.getHeaders("Require"); it.hasNext(); ) {
                for (String tag : value(it.next()).split(",")) {
                    String t = tag.strip();
                    if (!t.isEmpty() && !EXTENSIONS.contains(t.toLowerCase(Locale.ROOT))) {
                        unsupported.add(t);
                    }
                }
            }
            if (!unsupported.isEmpty()) {
                return new Refusal(Response.BAD_EXTENSION, "Patchbay does not support " + String.join(", ", unsupported),
                        "Unsupported", String.join(", ", unsupported));
            }
        }
        if (method.equals(Request.INVITE)) {
            return inviteBody(request);
        }
        return null;
    }

    private static Refusal inviteBody(Request request) {
        ListIterator<Header> accepts = request.getHeaders(AcceptHeader.NAME);
        if (accepts.hasNext()) {
            boolean sdp = false;
            while (accepts.hasNext()) {
                AcceptHeader a = (AcceptHeader) accepts.next();
                sdp |= matches(a.getContentType(), "application") && matches(a.getContentSubType(), "sdp");
            }
            if (!sdp) {
                return new Refusal(Response.NOT_ACCEPTABLE, "Patchbay answers an INVITE only with application/sdp, which Accept excludes",
                        "Accept", "application/sdp");
            }
        }
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        byte[] body = request.getRawContent();
        if (body != null && body.length > 0 && (type == null || !"application".equalsIgnoreCase(type.getContentType())
                || !"sdp".equalsIgnoreCase(type.getContentSubType()))) {
            return new Refusal(Response.UNSUPPORTED_MEDIA_TYPE, "only application/sdp bodies are accepted", "Accept", "application/sdp");
        }
        return null;
    }

    private static boolean matches(String part, String wanted) {
        return part == null || part.equals("*") || part.equalsIgnoreCase(wanted);
    }

    private static String value(Header h) {
        String s = h.toString();
        int colon = s.indexOf(':');
        return (colon < 0 ? s : s.substring(colon + 1)).strip();
    }

    private static List<String> unparsed(Request request) {
        List<String> out = new ArrayList<>();
        if (request instanceof SIPRequest s) {
            s.getUnrecognizedHeaders().forEachRemaining(out::add);
        }
        return out;
    }
}
