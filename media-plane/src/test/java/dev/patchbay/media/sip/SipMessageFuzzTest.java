package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.Iterator;
import java.util.ListIterator;
import java.util.Optional;
import java.util.Set;
import javax.sip.address.Address;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;

import com.code_intelligence.jazzer.junit.FuzzTest;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any UDP datagram or TCP message on the SIP port, as the stack sees it: {@link FramingParser} (jain-sip's
 * parser with RFC 3261 framing) gives a message, nothing for a response it drops, or {@link ParseException};
 * {@link RequestValidator} then accepts or refuses with a 4xx-6xx status and a reason fit for a header;
 * the response to it can be built and written; and what {@link OfferedEvent} reads of an accepted request
 * (Request-URI user, From display name and URI, every header's name and value) reads without an exception.
 * Regression inputs, among them the RFC 4475 torture messages: src/test/resources/dev/patchbay/media/sip/
 * SipMessageFuzzTestInputs/.
 */
class SipMessageFuzzTest {

    /**
     * As jain-sip's UDP and TCP channels: a header the message cannot do without fails the message, any other
     * bad header is kept as unparsed text.
     */
    private static final ParseExceptionListener CHANNEL = new ParseExceptionListener() {
        private final Set<Class<?>> vital = Set.of(From.class, To.class, CSeq.class, Via.class, CallID.class,
                ContentLength.class, RequestLine.class, StatusLine.class);

        @Override
        public void handleException(ParseException e, SIPMessage message, Class headerClass, String header, String raw)
                throws ParseException {
            if (headerClass != null && vital.contains(headerClass)) {
                throw e;
            }
            message.addUnparsed(header);
        }
    };

    private static final FramingParser PARSER = new FramingParser();
    private static final RequestValidator VALIDATOR = new RequestValidator(MessageLimits.defaults());
    private static final MessageFactoryImpl MESSAGES = new MessageFactoryImpl();

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void datagram(byte[] bytes) throws ParseException {
        check(bytes, true);
    }

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void stream(byte[] bytes) throws ParseException {
        check(bytes, false);
    }

    private static void check(byte[] bytes, boolean datagram) throws ParseException {
        SIPMessage message;
        try {
            message = PARSER.parse(bytes, datagram, CHANNEL);
        } catch (ParseException refused) {
            return; // the stack answers 400 (a request) or drops it (a response)
        }
        if (!(message instanceof SIPRequest request)) {
            return; // a response, or nothing: matched to a transaction or dropped, never answered
        }
        Optional<RequestValidator.Refusal> refusal = VALIDATOR.check(request);
        if (refusal.isPresent()) {
            RequestValidator.Refusal r = refusal.get();
            assertTrue(r.status() >= 400 && r.status() <= 699, "status " + r.status());
            assertNotNull(r.reason());
            if (!request.getMethod().equals(Request.ACK)) {
                assertNotNull(MESSAGES.createResponse(r.status(), request).toString());
            }
            return;
        }
        // What the handlers and OfferedEvent read of an accepted request.
        assertNotNull(SipTools.userOf(request.getRequestURI()));
        assertNotNull(request.getRequestURI().toString());
        Address from = ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress();
        assertNotNull(from.getURI().toString());
        String display = from.getDisplayName();
        if (display != null) {
            assertFalse(SipTools.sanitize(display).contains("\r"), "a display name with a CR");
        }
        assertNotNull(SipTools.userOf(((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI()));
        for (Iterator<String> names = request.getHeaderNames(); names.hasNext(); ) {
            for (ListIterator<?> values = request.getHeaders(names.next()); values.hasNext(); ) {
                Header h = (Header) values.next();
                assertNotNull(h.getName());
                assertNotNull(h.toString());
            }
        }
        assertNotNull(SipTools.transportOf(request));
        assertNotNull(MESSAGES.createResponse(200, request).toString());
    }
}
