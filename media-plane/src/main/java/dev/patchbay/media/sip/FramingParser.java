package dev.patchbay.media.sip;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageChannel;

/**
 * jain-sip's message parser with the framing RFC 3261 asks for, which jain-sip's own lacks:
 * <ul>
 * <li>a UDP datagram holds one message, and octets past its Content-Length are discarded
 *     (§18.3); jain-sip instead takes the whole rest of the datagram as the body and answers 400
 *     when that disagrees with Content-Length;</li>
 * <li>a UDP message without Content-Length has the rest of the datagram as its body (§18.3,
 *     RFC 2543 peers); jain-sip drops it;</li>
 * <li>a single-valued header sent twice (two Content-Lengths, two Call-IDs) is a defect; jain-sip
 *     silently keeps one of them, so it is counted here on the raw header lines.</li>
 * </ul>
 * What it finds travels on the message as a {@link Framing} for {@link RequestValidator}, which
 * answers for it: a parser cannot send a response.
 */
public final class FramingParser implements MessageParserFactory {

    /**
     * What framing found: the datagram's size (0 over TCP/TLS), and the first defect of the raw
     * message as the status it earns (0 when none) with its reason.
     */
    public record Framing(int datagramBytes, int status, String problem) {
    }

    /** Single-valued headers (RFC 3261 §7.3.1, §20), by every name they may be sent under. */
    private static final Map<String, String> SINGLE = Map.ofEntries(
            Map.entry("to", "To"), Map.entry("t", "To"), Map.entry("from", "From"), Map.entry("f", "From"),
            Map.entry("call-id", "Call-ID"), Map.entry("i", "Call-ID"), Map.entry("cseq", "CSeq"),
            Map.entry("max-forwards", "Max-Forwards"), Map.entry("content-length", "Content-Length"),
            Map.entry("l", "Content-Length"), Map.entry("content-type", "Content-Type"), Map.entry("c", "Content-Type"));

    private static final List<String> NAMES = List.copyOf(new TreeSet<>(SINGLE.values()));

    private final Parser parser = new Parser();

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return parser;
    }

    /**
     * Parses {@code bytes} as the stack does a message from a UDP datagram ({@code datagram}) or from a
     * TCP/TLS stream, with {@code listener} in the place of the channel that received it.
     */
    SIPMessage parse(byte[] bytes, boolean datagram, ParseExceptionListener listener) throws ParseException {
        return parser.parse(bytes, true, datagram, false, listener);
    }

    private static final class Parser extends StringMsgParser {

        @Override
        public SIPMessage parseSIPMessage(byte[] bytes, boolean readBody, boolean strict, ParseExceptionListener listener)
                throws ParseException {
            return parse(bytes, readBody, readBody && listener instanceof UDPMessageChannel, strict, listener);
        }

        SIPMessage parse(byte[] bytes, boolean readBody, boolean datagram, boolean strict, ParseExceptionListener listener)
                throws ParseException {
            // jain-sip also re-parses its own stored messages through here; those it frames itself.
            SIPMessage message;
            try {
                message = stackParse(bytes, !datagram && readBody, strict, listener);
            } catch (ParseException e) {
                if (datagram && isResponse(bytes)) {
                    return null; // jain-sip answers 400 unless the datagram starts exactly with "SIP/"; a response is never answered
                }
                throw e;
            }
            if (message == null) {
                return null;
            }
            boolean badRport = dropBadRports(message);
            if (listener == null) {
                return message;
            }
            HeaderScan scan = scan(bytes);
            if (datagram) {
                frameBody(message, bytes, scan.hasLength);
            }
            if (scan.status == 0 && badRport) {
                scan = new HeaderScan(scan.hasLength, 400, "a Via rport must be empty or a port number 0-65535 (RFC 3581)");
            }
            message.setApplicationData(new Framing(datagram ? bytes.length : 0, scan.status, scan.problem));
            return message;
        }

        /**
         * Removes every Via rport that is neither empty nor a port (RFC 3581), and tells whether there was one.
         * jain-sip parses any token there but throws NumberFormatException when it copies the Via into a response
         * (found by fuzzing): a request with "rport=x" below its top Via went unanswered. Without it, the request
         * can be answered 400 on every transport.
         */
        private static boolean dropBadRports(SIPMessage message) {
            boolean dropped = false;
            if (message.getViaHeaders() != null) {
                for (Via via : message.getViaHeaders()) {
                    String rport = via.getParameter(Via.RPORT);
                    if (rport != null && !rport.isEmpty() && !isPort(rport)) {
                        via.removeParameter(Via.RPORT);
                        dropped = true;
                    }
                }
            }
            return dropped;
        }

        private static boolean isPort(String s) {
            return s.length() <= 5 && s.chars().allMatch(c -> c >= '0' && c <= '9') && Integer.parseInt(s) <= 65535;
        }

        /**
         * jain-sip's parse, with its unchecked exceptions on malformed headers (a NumberFormatException from
         * an RAck without numbers, found by fuzzing) turned into the ParseException it documents: the stack
         * answers that with 400 and goes on, where an unchecked one escapes its receive loop unanswered.
         */
        private SIPMessage stackParse(byte[] bytes, boolean readBody, boolean strict, ParseExceptionListener listener)
                throws ParseException {
            if (ViaComments.unsafe(bytes)) {
                throw new ParseException("a Via comment with a backslash or without its ')' is not accepted", 0);
            }
            try {
                return super.parseSIPMessage(bytes, readBody, strict, listener);
            } catch (RuntimeException e) {
                ParseException p = new ParseException("malformed message: " + SipTools.sanitize(String.valueOf(e.getMessage())), 0);
                p.initCause(e);
                throw p;
            }
        }

        private static boolean isResponse(byte[] bytes) {
            int i = 0;
            while (i < bytes.length && bytes[i] <= 0x20) {
                i++;
            }
            return bytes.length - i >= 4 && new String(bytes, i, 4, StandardCharsets.ISO_8859_1).equalsIgnoreCase("SIP/");
        }

        /** Takes the body from a datagram: Content-Length octets, or all that follows without one. */
        private static void frameBody(SIPMessage message, byte[] bytes, boolean hasLength) throws ParseException {
            int head = message.getSize(); // octets up to and including the empty line
            int rest = Math.max(0, bytes.length - head);
            int length = hasLength ? message.getContentLength().getContentLength() : rest;
            if (length > rest) {
                throw new ParseException("Content-Length " + length + " exceeds the " + rest + " octets that follow the headers", head);
            }
            if (length > 0) {
                message.setMessageContent(Arrays.copyOfRange(bytes, head, head + length));
            }
        }
    }

    private record HeaderScan(boolean hasLength, int status, String problem) {
    }

    /**
     * RFC 3261 §7.1 and §25.1: Method SP Request-URI SP SIP-Version, single spaces, nothing after.
     * jain-sip tolerates extra spaces and reads any version as 2.0, which would hide a SIP/7.0.
     */
    private static HeaderScan requestLine(String line) {
        if (line.startsWith("SIP/")) {
            return null; // a status line: responses are matched or dropped, never answered
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return new HeaderScan(false, 400, "Request-Line must be Method SP Request-URI SP SIP-Version, with single spaces");
        }
        if (!parts[2].equals("SIP/2.0")) {
            return parts[2].regionMatches(true, 0, "SIP/", 0, 4) && parts[2].length() > 4
                    ? new HeaderScan(false, 505, "only SIP/2.0 is supported, not " + SipTools.sanitize(parts[2]))
                    : new HeaderScan(false, 400, "Request-Line must end with SIP/2.0");
        }
        return null;
    }

    /** Walks the header lines (up to the empty line), counting single-valued header names. */
    private static HeaderScan scan(byte[] bytes) {
        int[] counts = new int[NAMES.size()];
        String repeated = null;
        HeaderScan lineDefect = null;
        boolean hasLength = false;
        int i = 0;
        while (i < bytes.length && bytes[i] < 0x20) {
            i++;
        }
        boolean first = true;
        while (i < bytes.length) {
            int end = i;
            while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n') {
                end++;
            }
            if (end == i) {
                break; // the empty line ends the headers
            }
            boolean continuation = bytes[i] == ' ' || bytes[i] == '\t';
            if (first) {
                lineDefect = requestLine(new String(bytes, i, end - i, StandardCharsets.UTF_8));
            } else if (!continuation) {
                int colon = i;
                while (colon < end && bytes[colon] != ':') {
                    colon++;
                }
                String name = new String(bytes, i, colon - i, StandardCharsets.ISO_8859_1).strip().toLowerCase(Locale.ROOT);
                String canonical = SINGLE.get(name);
                if (canonical != null) {
                    hasLength |= canonical.equals("Content-Length");
                    int k = NAMES.indexOf(canonical);
                    if (++counts[k] == 2 && repeated == null) {
                        repeated = canonical;
                    }
                }
            }
            first = false;
            i = end < bytes.length && bytes[end] == '\r' && end + 1 < bytes.length && bytes[end + 1] == '\n' ? end + 2 : end + 1;
        }
        if (lineDefect != null) {
            return new HeaderScan(hasLength, lineDefect.status, lineDefect.problem);
        }
        return new HeaderScan(hasLength, repeated == null ? 0 : 400, repeated == null ? null : repeated + " must appear only once");
    }
}
