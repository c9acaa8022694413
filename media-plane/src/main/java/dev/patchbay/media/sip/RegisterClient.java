package dev.patchbay.media.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.ClientTransaction;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.header.RetryAfterHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.ThreadRandom;

/**
 * Sends REGISTER for a trunk (RFC 3261 section 10.2) and reports one outcome per call: the
 * binding's granted lifetime, or why it failed. A 401/407 is answered once with digest
 * credentials (MD5 or SHA-256, {@link DigestAnswer}), and twice more at most when the registrar
 * says the nonce went stale. Timing (refresh, backoff) is the caller's:
 * this class only speaks SIP. One Call-ID per binding, its CSeq rising across refreshes.
 */
public final class RegisterClient {

    /**
     * What to register.
     *
     * @param registrar   {@code sip:host[:port]}; the address of record is {@code sip:<username>@<host>}
     * @param transport   udp, tcp or tls
     * @param contactUser the Contact's user part, by which an INVITE to the Contact finds the trunk
     * @param callId      kept for the binding's life, so refreshes replace rather than add (section 10.2.4)
     */
    public record Binding(String registrar, String transport, String username, String password, String contactUser,
                          String callId) {
        @Override
        public String toString() {
            return "Binding[registrar=" + registrar + ", transport=" + transport + ", username=" + username
                    + ", password=<redacted>, contactUser=" + contactUser + "]";
        }
    }

    /** The answer to one {@link #register} call. */
    public sealed interface Outcome {
        /** 2xx: the registrar holds our Contact for {@code seconds} (0 after a removal). */
        record Registered(int seconds) implements Outcome { }

        /** 423: the registrar wants at least {@code minExpires} seconds. */
        record IntervalTooBrief(int minExpires) implements Outcome { }

        /** Any other final answer; {@code retryAfter} is its Retry-After in seconds, or 0. */
        record Rejected(int status, String reason, int retryAfter) implements Outcome { }

        /** No final answer in the transaction's time, or nothing could be sent. */
        record Unreachable(String why) implements Outcome { }
    }

    private final SipTools sip;
    private final String advertise;
    private final ThreadRandom random = new ThreadRandom();
    private final ConcurrentHashMap<ClientTransaction, Pending> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> cseqs = new ConcurrentHashMap<>();
    private volatile SipProvider provider;

    private record Pending(Binding binding, CompletableFuture<Outcome> result, int answers) { }

    RegisterClient(SipTools sip, String advertise) {
        this.sip = sip;
        this.advertise = advertise;
    }

    void provider(SipProvider provider) {
        this.provider = provider;
    }

    /** A fresh Call-ID for a new binding. */
    public String newCallId() {
        return provider.getNewCallId().getCallId();
    }

    /**
     * Sends REGISTER asking for {@code expires} seconds; 0 removes our Contact.
     *
     * @return completes once with the outcome; never exceptionally
     */
    public CompletableFuture<Outcome> register(Binding b, int expires) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        try {
            Request request = request(b, expires);
            send(request, new Pending(b, result, 0));
        } catch (ParseException | InvalidArgumentException | SipException | UnknownHostException | RuntimeException e) {
            result.complete(new Outcome.Unreachable("cannot send REGISTER to " + b.registrar() + ": " + e.getMessage()));
        }
        return result;
    }

    /** Forgets a binding's CSeq once it is removed for good. */
    public void forget(Binding b) {
        cseqs.remove(b.callId());
    }

    private Request request(Binding b, int expires) throws ParseException, InvalidArgumentException, UnknownHostException {
        SipURI registrar = (SipURI) sip.addresses.createURI(b.registrar());
        int port = registrar.getPort() > 0 ? registrar.getPort() : ("tls".equals(b.transport()) ? 5061 : 5060);
        String hostText = registrar.getHost();
        InetAddress peer = InetAddress.getByName(hostText.startsWith("[") ? hostText.substring(1, hostText.length() - 1) : hostText);
        String local = LocalAddress.toward(advertise, peer, port);
        SipURI target = sip.addresses.createSipURI(null, hostText);
        target.setPort(port);
        target.setTransportParam(b.transport());
        SipURI aor = sip.addresses.createSipURI(b.username(), hostText);
        FromHeader from = sip.headers.createFromHeader(sip.addresses.createAddress(aor), random.hex(4));
        ToHeader to = sip.headers.createToHeader(sip.addresses.createAddress(aor), null);
        ViaHeader via = sip.headers.createViaHeader(local, sip.portFor(b.transport()), b.transport(), null);
        long cseq = cseqs.merge(b.callId(), 1L, Long::sum);
        Request register = sip.messages.createRequest(target, Request.REGISTER, sip.headers.createCallIdHeader(b.callId()),
                sip.headers.createCSeqHeader(cseq, Request.REGISTER), from, to, List.of(via),
                sip.headers.createMaxForwardsHeader(70));
        ContactHeader contact = sip.contact(local, b.transport());
        ((SipURI) contact.getAddress().getURI()).setUser(b.contactUser());
        register.addHeader(contact);
        register.addHeader(sip.headers.createExpiresHeader(expires));
        return register;
    }

    private void send(Request request, Pending p) throws SipException {
        ClientTransaction ct = provider.getNewClientTransaction(request);
        pending.put(ct, p);
        ct.sendRequest();
    }

    void onResponse(ResponseEvent event) {
        ClientTransaction ct = event.getClientTransaction();
        Pending p = ct == null ? null : pending.get(ct);
        Response response = event.getResponse();
        int status = response.getStatusCode();
        if (p == null || status < 200) {
            return;
        }
        pending.remove(ct);
        if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED)
                && (p.answers() == 0 || p.answers() < 3 && stale(response))) {
            try {
                Request again = DigestAnswer.answer(sip, ct.getRequest(), response, p.binding().username(),
                        p.binding().password(), random.hex(8));
                cseqs.merge(p.binding().callId(), 1L, Long::sum);
                send(again, new Pending(p.binding(), p.result(), p.answers() + 1));
            } catch (ParseException | InvalidArgumentException | SipException e) {
                p.result().complete(new Outcome.Rejected(status, "cannot answer the challenge: " + e.getMessage(), 0));
            }
            return;
        }
        p.result().complete(outcome(response, ct.getRequest()));
    }

    /** A challenge with stale=true (RFC 7616 section 3.3): our answer was right but its nonce had expired. */
    private static boolean stale(Response challenge) {
        Object h = challenge.getHeader(challenge.getStatusCode() == Response.UNAUTHORIZED ? "WWW-Authenticate" : "Proxy-Authenticate");
        return h instanceof WWWAuthenticateHeader w && "true".equalsIgnoreCase(w.getParameter("stale"));
    }

    private static Outcome outcome(Response response, Request sent) {
        int status = response.getStatusCode();
        if (status < 300) {
            return new Outcome.Registered(granted(response, sent));
        }
        if (status == Response.INTERVAL_TOO_BRIEF) {
            MinExpiresHeader min = (MinExpiresHeader) response.getHeader(MinExpiresHeader.NAME);
            if (min != null) {
                return new Outcome.IntervalTooBrief(min.getExpires());
            }
        }
        RetryAfterHeader retry = (RetryAfterHeader) response.getHeader(RetryAfterHeader.NAME);
        String reason = status + " " + response.getReasonPhrase()
                + (status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED
                ? " (the credentials were refused; check the registration's username and password)" : "");
        return new Outcome.Rejected(status, reason, retry == null ? 0 : retry.getRetryAfter());
    }

    /**
     * The lifetime the registrar granted our Contact: its expires parameter in the 200's Contact
     * list (section 10.2.4), else the Expires header, else what we asked for.
     */
    private static int granted(Response ok, Request sent) {
        ContactHeader ours = (ContactHeader) sent.getHeader(ContactHeader.NAME);
        String ourUser = ((SipURI) ours.getAddress().getURI()).getUser();
        ListIterator<?> contacts = ok.getHeaders(ContactHeader.NAME);
        while (contacts.hasNext()) {
            ContactHeader c = (ContactHeader) contacts.next();
            if (c.getAddress().getURI() instanceof SipURI u && ourUser.equals(u.getUser()) && c.getExpires() >= 0) {
                return c.getExpires();
            }
        }
        ExpiresHeader expires = (ExpiresHeader) ok.getHeader(ExpiresHeader.NAME);
        if (expires != null) {
            return expires.getExpires();
        }
        return ((ExpiresHeader) sent.getHeader(ExpiresHeader.NAME)).getExpires();
    }

    void onTimeout(TimeoutEvent event) {
        if (event.isServerTransaction()) {
            return;
        }
        Pending p = pending.remove(event.getClientTransaction());
        if (p != null) {
            p.result().complete(new Outcome.Unreachable("the registrar " + p.binding().registrar() + " never answered REGISTER"));
        }
    }

}
