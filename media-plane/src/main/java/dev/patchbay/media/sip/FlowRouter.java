package dev.patchbay.media.sip;

import java.util.concurrent.ConcurrentHashMap;

import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Request;

import gov.nist.javax.sip.stack.DefaultRouter;
import gov.nist.javax.sip.stack.HopImpl;

/**
 * jain-sip's router with one change: a request Patchbay sends inside a call that arrived over TCP
 * or TLS goes back over the caller's own connection (its source address and port), not to its
 * Contact, which may name a port nobody listens on. RingCX requires this, and it is what RFC 5923
 * connection reuse means for a UA behind NAT. jain-sip builds its router by class name; the
 * SIP server hands it the table of flows right after the stack exists.
 */
public final class FlowRouter extends DefaultRouter {

    /** Where each TCP/TLS call's caller is connected from, by SIP Call-ID. */
    static final class Flows {
        private final ConcurrentHashMap<String, Hop> byCallId = new ConcurrentHashMap<>();

        void put(String callId, String host, int port, String transport) {
            byCallId.put(callId, new HopImpl(host, port, transport));
        }

        void remove(String callId) {
            byCallId.remove(callId);
        }

        Hop get(String callId) {
            return byCallId.get(callId);
        }
    }

    private volatile Flows flows;

    public FlowRouter(SipStack stack, String outboundProxy) {
        super(stack, outboundProxy);
    }

    /** Connects the table of flows; jain-sip built this router, so it cannot be a constructor argument. */
    void use(Flows table) {
        this.flows = table;
    }

    @Override
    public Hop getNextHop(Request request) throws SipException {
        Flows table = flows;
        CallIdHeader id = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        Hop flow = table != null && id != null ? table.get(id.getCallId()) : null;
        return flow != null ? flow : super.getNextHop(request);
    }
}
