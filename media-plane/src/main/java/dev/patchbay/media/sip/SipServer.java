package dev.patchbay.media.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.Properties;
import java.util.TooManyListenersException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.ObjectInUseException;
import javax.sip.PeerUnavailableException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransportNotSupportedException;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.CallManager;
import dev.patchbay.media.call.CallSignalling;
import dev.patchbay.media.call.ThreadRandom;
import dev.patchbay.media.loop.NanoClock;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPRequest;

/**
 * The SIP endpoint: a jain-sip stack listening on UDP and TCP, dispatching requests by method.
 * Listener exceptions are logged as one line without a stack trace, so a malformed message costs
 * one log line at most.
 */
public final class SipServer implements SipListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SipServer.class.getName());
    private static final int UDP_RECEIVE_BUFFER = 4 << 20;
    /** The bucket of requests whose source jain-sip did not record (none seen so far). */
    private static final InetAddress UNKNOWN_SOURCE = new InetSocketAddress(0).getAddress();

    private final SipStack stack;
    private final SipProvider provider;
    private final ThreadRandom random = new ThreadRandom();
    private final SipTools sip;
    private final InviteHandler invites;
    private final RegisterClient registers;
    private final SourceGuard guard;
    private final GuardedNetworkLayer sockets;
    private final RequestValidator validator;
    private final NanoClock clock;
    private final String host;
    private final int port;
    private volatile WarmupSettings.Report warmup = WarmupSettings.Report.NONE;
    private final AtomicLong refused = new AtomicLong();
    /** Why this node cannot take a call now, or null: OPTIONS answers 503 then, so a SIP front steers around it. */
    private volatile Supplier<String> unavailable = () -> null;
    /** Final statuses sent to initial INVITEs go here, for the metrics. */
    private volatile IntConsumer inviteResponses = status -> { };

    private SipServer(SipStack stack, SipProvider provider, SipTools sip, InviteHandler invites, RegisterClient registers,
                      SourceGuard guard, GuardedNetworkLayer sockets, RequestValidator validator, NanoClock clock,
                      String host, int port) {
        this.host = host;
        this.port = port;
        this.registers = registers;
        this.sockets = sockets;
        this.clock = clock;
        this.guard = guard;
        this.validator = validator;
        this.stack = stack;
        this.provider = provider;
        this.sip = sip;
        this.invites = invites;
    }

    /**
     * Starts listening on {@code host:port} over UDP and TCP.
     *
     * @param advertise the address for SDP and Contact, or empty to use the interface that reaches each caller
     * @param mediaNode this node's gRPC address, passed to the control-plane in every offer
     * @param clock     the time the source guard's rate limit counts in
     */
    public static SipServer start(String host, int port, int threads, String advertise, String mediaNode,
                                  int minSessionExpires, int tlsPort, SipKeystore keystore,
                                  CallManager calls, SourceGuard guard, MessageLimits limits, NanoClock clock)
            throws SipException {
        Properties props = new Properties();
        props.setProperty("javax.sip.STACK_NAME", "patchbay-" + host + "-" + port);
        props.setProperty("gov.nist.javax.sip.STACK_LOGGER", JulStackLogger.class.getName());
        props.setProperty("gov.nist.javax.sip.SERVER_LOGGER", JulServerLogger.class.getName());
        props.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        props.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(threads));
        props.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        // The stream limit; jain-sip also sizes its UDP receive buffer by it (see MessageLimits).
        props.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(limits.streamBytes()));
        props.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", FramingParser.class.getName());
        props.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "1000");
        // NOTIFYs for a REFER's implicit subscription reach the listener even if the stack's own
        // subscription tracking does not match them.
        props.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "true");
        props.setProperty("javax.sip.ROUTER_PATH", FlowRouter.class.getName());
        // The source guard on the sockets themselves, ahead of jain-sip's queue and parser.
        props.setProperty("gov.nist.javax.sip.NETWORK_LAYER", GuardedNetworkLayer.class.getName());
        // jain-sip's 64 KiB UDP receive buffer holds ~20 ms of a 5,000/s flood: a reader descheduled
        // that long on a busy host loses datagrams from every source alike, before the guard can tell
        // them apart. The kernel caps this at net.core.rmem_max (docs/reliability.md).
        props.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(UDP_RECEIVE_BUFFER));
        FlowRouter.Flows flows = new FlowRouter.Flows();
        if (keystore != null) {
            // jain-sip's defaults name protocols modern JDKs refuse; these are the ones TOOLCHAIN.md verified.
            props.setProperty("javax.net.ssl.keyStore", keystore.file().toString());
            props.setProperty("javax.net.ssl.keyStorePassword", keystore.password());
            props.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
            props.setProperty("javax.net.ssl.trustStore", keystore.file().toString());
            props.setProperty("javax.net.ssl.trustStorePassword", keystore.password());
            props.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            props.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.3,TLSv1.2");
            props.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", "TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 "
                    + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
            props.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        }
        try {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            SipStack stack = factory.createSipStack(props);
            ((FlowRouter) stack.getRouter()).use(flows);
            GuardedNetworkLayer sockets = (GuardedNetworkLayer) ((SipStackImpl) stack).getNetworkLayer();
            sockets.use(guard, clock);
            SipTools tools = new SipTools(factory.createMessageFactory(), factory.createHeaderFactory(),
                    factory.createAddressFactory(), port, keystore == null ? 0 : tlsPort);
            ListeningPoint udp = stack.createListeningPoint(host, port, ListeningPoint.UDP);
            ListeningPoint tcp = stack.createListeningPoint(host, port, ListeningPoint.TCP);
            SipProvider provider = stack.createSipProvider(udp);
            provider.addListeningPoint(tcp);
            if (keystore != null) {
                provider.addListeningPoint(stack.createListeningPoint(host, tlsPort, ListeningPoint.TLS));
            }
            if (!advertise.isEmpty()) {
                // Behind 1:1 NAT the bound address is private: requests we send in a dialog (BYE, INFO,
                // re-INVITE, REFER) must name the public one in Via, like SDP and Contact do.
                String sentBy = advertise.indexOf(':') >= 0 && !advertise.startsWith("[") ? "[" + advertise + "]" : advertise;
                for (ListeningPoint lp : provider.getListeningPoints()) {
                    lp.setSentBy(sentBy + ":" + lp.getPort());
                }
            }
            InviteHandler invites = new InviteHandler(tools, calls, advertise, mediaNode, minSessionExpires, flows);
            invites.provider(provider);
            RegisterClient registers = new RegisterClient(tools, advertise);
            registers.provider(provider);
            SipServer server = new SipServer(stack, provider, tools, invites, registers, guard, sockets,
                    new RequestValidator(limits), clock, host, port);
            provider.addSipListener(server);
            stack.start();
            return server;
        } catch (PeerUnavailableException | InvalidArgumentException | TransportNotSupportedException
                 | ObjectInUseException | TooManyListenersException | ParseException e) {
            throw new SipException("cannot start SIP on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rehearses the INVITE path from a throwaway socket on this host ({@link RehearsalClient}), before
     * the node says ready; a rehearsal that cannot start is logged and skipped, never fatal.
     */
    public WarmupSettings.Report warmUp(WarmupSettings settings) {
        if (!settings.enabled()) {
            return WarmupSettings.Report.NONE;
        }
        try (RehearsalClient client = new RehearsalClient(host, port, random.hex(16), random.hex(4))) {
            sockets.exempt(client.address());
            invites.rehearsals().open(client.address(), client.token());
            try {
                warmup = client.run(settings);
                return warmup;
            } finally {
                invites.rehearsals().close();
                sockets.exempt(null);
            }
        } catch (IOException e) {
            LOG.warning(() -> "SIP warm-up skipped: " + e.getMessage() + "; the first calls will meet a cold path");
            return WarmupSettings.Report.NONE;
        }
    }

    /** What the start-up rehearsal got done; {@link WarmupSettings.Report#NONE} if none ran. */
    public WarmupSettings.Report warmup() {
        return warmup;
    }

    /** Where the final status of every initial INVITE we answer is counted. */
    public void inviteResponses(IntConsumer sink) {
        this.inviteResponses = sink;
    }

    void inviteAnswered(int status) {
        inviteResponses.accept(status);
    }

    /** Scanner and per-source counters, for tests and metrics. */
    public SourceGuard guard() {
        return guard;
    }

    /** TCP and TLS connections the SIP listeners hold now. */
    public int openConnections() {
        return sockets.openConnections();
    }

    /** TCP and TLS connections refused for patchbay.sip.guard.connections.* so far. */
    public long refusedConnections() {
        return sockets.refusedConnections();
    }

    /** What OPTIONS consults; null from {@code why} means this node can take a call. */
    public void availability(Supplier<String> why) {
        this.unavailable = why;
    }

    public CallSignalling signalling() {
        return invites;
    }

    /** Sends REGISTER for the trunks this node holds (issue 19 part 4). */
    public RegisterClient registers() {
        return registers;
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        Header ua = request.getHeader(UserAgentHeader.NAME);
        InetAddress source = request instanceof SIPRequest r && r.getRemoteAddress() != null
                ? r.getRemoteAddress() : UNKNOWN_SOURCE;
        boolean rehearsal = request instanceof SIPRequest r && invites.rehearsals().from(source, r.getRemotePort());
        if (!rehearsal && guard.check(ua == null ? null : ua.toString(), source, clock.nanos()) != SourceGuard.Verdict.ADMIT) {
            return; // no answer at all: see SourceGuard
        }
        try {
            RequestValidator.Refusal refusal = validator.check(request).orElse(null);
            if (refusal != null) {
                refused.incrementAndGet();
                refuse(event, refusal);
                return;
            }
            RequestValidator.supplyMaxForwards(request, sip.headers);
            switch (request.getMethod()) {
                case Request.INVITE -> invites.onInvite(event);
                case Request.ACK -> invites.onAck(event);
                case Request.BYE -> invites.inCall().onBye(event);
                case Request.CANCEL -> invites.inCall().onCancel(event);
                case Request.OPTIONS -> options(event);
                case Request.INFO -> invites.inCall().onInfo(event);
                case Request.NOTIFY -> invites.inCall().onNotify(event);
                case Request.UPDATE -> invites.inCall().onUpdate(event);
                case Request.PRACK -> invites.onPrack(event);
                default -> notAllowed(event);
            }
        } catch (ParseException | SipException | InvalidArgumentException | RuntimeException e) {
            LOG.warning(() -> "failed to handle " + request.getMethod() + ": " + e);
        }
    }

    /** Requests refused by validation (RFC 3261 §8.2) before any handler saw them, ACKs dropped included. */
    public long refused() {
        return refused.get();
    }

    /** Answers a refusal; ACK gets no answer (RFC 3261 §17.2.3), so a bad ACK is only counted. */
    private void refuse(RequestEvent event, RequestValidator.Refusal refusal) throws ParseException, SipException {
        Request request = event.getRequest();
        LOG.fine(() -> "refused " + request.getMethod() + " with " + refusal.status() + ": " + refusal.reason());
        if (Request.ACK.equals(request.getMethod())) {
            return;
        }
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        String tag = to.getTag() == null ? random.tag() : null;
        Response r = sip.response(refusal.status(), request, tag, refusal.reason());
        switch (refusal.headerName() == null ? "" : refusal.headerName()) {
            case "Allow" -> r.addHeader(sip.headers.createAllowHeader(refusal.headerValue()));
            case "Accept" -> r.addHeader(sip.headers.createAcceptHeader("application", "sdp"));
            case "Unsupported" -> {
                for (String option : refusal.headerValue().split(",\\s*")) {
                    r.addHeader(sip.headers.createUnsupportedHeader(option));
                }
            }
            default -> {
                // the status needs no header of its own
            }
        }
        ServerTransaction tx = event.getServerTransaction();
        if (tx == null) {
            try {
                tx = provider.getNewServerTransaction(request);
            } catch (TransactionAlreadyExistsException e) {
                return; // retransmission; the transaction resends its response
            } catch (SipException e) {
                provider.sendResponse(r); // no usable transaction id (RFC 4475 §3.2.1): answer statelessly
                if (Request.INVITE.equals(request.getMethod())) {
                    inviteAnswered(refusal.status());
                }
                return;
            }
        }
        SipTools.send(tx, r);
    }

    private void options(RequestEvent event) throws ParseException, SipException {
        String why = unavailable.get();
        if (why != null) {
            Response busy = sip.response(Response.SERVICE_UNAVAILABLE, event.getRequest(), null, why);
            try {
                busy.addHeader(sip.headers.createRetryAfterHeader(5));
            } catch (InvalidArgumentException e) {
                throw new ParseException(e.getMessage(), 0);
            }
            reply(event, busy);
            return;
        }
        Response ok = sip.response(Response.OK, event.getRequest(), null, null);
        ok.addHeader(sip.headers.createAllowHeader(SipTools.ALLOW));
        ok.addHeader(sip.headers.createAcceptHeader("application", "sdp"));
        reply(event, ok);
    }

    private void notAllowed(RequestEvent event) throws ParseException, SipException {
        Response r = sip.response(Response.METHOD_NOT_ALLOWED, event.getRequest(), null,
                event.getRequest().getMethod() + " is not supported by Patchbay");
        r.addHeader(sip.headers.createAllowHeader(SipTools.ALLOW));
        reply(event, r);
    }

    private void reply(RequestEvent event, Response response) throws SipException {
        ServerTransaction tx = event.getServerTransaction();
        if (tx == null) {
            try {
                tx = provider.getNewServerTransaction(event.getRequest());
            } catch (TransactionAlreadyExistsException e) {
                return; // retransmission; the transaction resends its response
            }
        }
        SipTools.send(tx, response);
    }

    @Override
    public void processResponse(ResponseEvent event) {
        invites.requests().onResponse(event);
        invites.outbound().onResponse(event);
        invites.holds().onResponse(event);
        registers.onResponse(event);
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        invites.requests().onTimeout(event);
        invites.outbound().onTimeout(event);
        invites.holds().onTimeout(event);
        registers.onTimeout(event);
        LOG.fine(() -> "SIP transaction timed out: " + event.getTimeout());
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.fine(() -> "SIP I/O error towards " + event.getHost() + ":" + event.getPort() + "/" + event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // Transactions clean themselves up.
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // Calls end through CallManager; the dialog ending is a consequence, not a cause.
    }

    @Override
    public void close() {
        stack.stop();
    }
}
