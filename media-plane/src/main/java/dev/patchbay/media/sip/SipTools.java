package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.stack.SIPServerTransaction;

/** jain-sip's factories and the few response shapes Patchbay sends. */
final class SipTools {

    private static final Logger LOG = Logger.getLogger(SipTools.class.getName());
    static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY, UPDATE, PRACK";

    final MessageFactory messages;
    final HeaderFactory headers;
    final AddressFactory addresses;
    final int sipPort;
    /** The TLS listener's port, or 0 without TLS. */
    final int tlsPort;

    SipTools(MessageFactory messages, HeaderFactory headers, AddressFactory addresses, int sipPort, int tlsPort) {
        this.messages = messages;
        this.headers = headers;
        this.addresses = addresses;
        this.sipPort = sipPort;
        this.tlsPort = tlsPort;
    }

    /** Our port for {@code transport}: a peer that opens a new TLS connection to our Contact must reach TLS. */
    int portFor(String transport) {
        return "tls".equalsIgnoreCase(transport) && tlsPort > 0 ? tlsPort : sipPort;
    }

    ContactHeader contact(String host, String transport) throws ParseException {
        SipURI uri = addresses.createSipURI("patchbay", host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        uri.setPort(portFor(transport));
        if (!"udp".equalsIgnoreCase(transport)) {
            uri.setTransportParam(transport.toLowerCase(Locale.ROOT));
        }
        return headers.createContactHeader(addresses.createAddress(uri));
    }

    /** A response with our To tag (when given) and, for errors, a Reason header saying why. */
    Response response(int status, Request request, String toTag, String reason) throws ParseException {
        Response response = messages.createResponse(status, request);
        if (toTag != null && status > 100) {
            ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(toTag);
        }
        if (status >= 300 && reason != null && !reason.isEmpty()) {
            try {
                response.addHeader(headers.createReasonHeader("SIP", status, sanitize(reason)));
            } catch (InvalidArgumentException e) {
                throw new ParseException(e.getMessage(), 0);
            }
        }
        return response;
    }

    /** Sends on a transaction; a transaction that already ended is logged, not thrown. */
    static void send(ServerTransaction tx, Response response) {
        try {
            tx.sendResponse(response);
            countInitialInvite(tx, response);
        } catch (SipException | InvalidArgumentException | IllegalStateException e) {
            LOG.log(Level.FINE, "could not send " + response.getStatusCode() + ": " + e.getMessage());
        }
    }

    /**
     * Hands the final response to a dialog-creating INVITE to the SipServer's metrics. Found through
     * the transaction's provider, so every one of the many send sites counts without knowing of it.
     */
    private static void countInitialInvite(ServerTransaction tx, Response response) {
        int status = response.getStatusCode();
        if (status >= 200 && tx instanceof SIPServerTransaction st
                && Request.INVITE.equals(st.getMethod()) && tx.getRequest() != null
                && ((ToHeader) tx.getRequest().getHeader(ToHeader.NAME)).getTag() == null
                && st.getSipProvider() != null && st.getSipProvider().getSipListener() instanceof SipServer server) {
            server.inviteAnswered(status);
        }
    }

    /** Header values may not carry quotes or line breaks from free text. */
    static String sanitize(String text) {
        String s = text.replace('"', '\'').replace('\r', ' ').replace('\n', ' ');
        return s.length() <= 200 ? s : s.substring(0, 200);
    }

    static String transportOf(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return via == null ? "udp" : via.getTransport().toLowerCase(Locale.ROOT);
    }

    static String userOf(URI uri) {
        if (uri instanceof SipURI sipUri) {
            return nullToEmpty(sipUri.getUser());
        }
        if (uri instanceof TelURL tel) {
            return (tel.isGlobal() ? "+" : "") + tel.getPhoneNumber();
        }
        return "";
    }

    static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
