package dev.patchbay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.media.testutil.SipUdpClient;

/**
 * Places and ends N calls over SIP/UDP (INVITE with a PCMU offer, 200, ACK; BYE at the end), each
 * with its own RTP socket. For the SIP-less floor it opens the RTP sockets only, all aimed at one
 * echo socket. Calls are set up by a few threads at once so that a large step does not spend
 * minutes on sequential handshakes.
 */
final class Callers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Callers.class.getName());

    /**
     * PCMU with telephone-event, as carriers offer: digits then come as RFC 4733 events and the
     * in-band tone detector, which runs only for callers without them, stays off (JMH measures it).
     */
    static final String OFFER_ATTRIBUTES = "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";
    private static final Pattern MEDIA_PORT = Pattern.compile("m=audio (\\d+) ");
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    /** One call's caller side; {@code sip} is null for the SIP-less floor. */
    record Call(SipUdpClient sip, DatagramChannel rtp, InetSocketAddress media, String toTag) implements RtpPacer.Leg {
    }

    /** Where calls go: a SIP port and user, or, with {@code sipPort} 0, straight to an RTP echo. */
    record Target(String name, int sipPort, String user, InetSocketAddress directMedia, int ptimeMs) {
        static Target sip(String name, int port, String user) {
            return new Target(name, port, user, null, 20);
        }

        static Target direct(String name, InetSocketAddress echo) {
            return new Target(name, 0, null, echo, 20);
        }

        /** The same target, called by callers that send {@code ms} packets. */
        Target withPtime(String newName, int ms) {
            return new Target(newName, sipPort, user, directMedia, ms);
        }
    }

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Target target;
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger unended = new AtomicInteger();
    private final AtomicInteger refusedBye = new AtomicInteger();
    private volatile String firstFailure = "";

    private Callers(Target target) {
        this.target = target;
    }

    /** Sets up {@code n} calls; those that fail are counted in {@link #failed}, not thrown. */
    static Callers place(Target target, int n, String step) throws InterruptedException {
        Callers c = new Callers(target);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = step + "-" + i;
                done.add(pool.submit(() -> c.placeOne(id)));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    c.fail(e.getCause());
                }
            }
        }
        return c;
    }

    List<Call> calls() {
        return calls;
    }

    int failed() {
        return failed.get();
    }

    String firstFailure() {
        return firstFailure;
    }

    private void placeOne(String id) {
        DatagramChannel rtp = null;
        try {
            rtp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            rtp.configureBlocking(false);
            if (target.sipPort() == 0) {
                calls.add(new Call(null, rtp, target.directMedia(), null));
                return;
            }
            calls.add(dial(target, id, rtp, new SipUdpClient(target.sipPort())));
        } catch (IOException | RuntimeException e) {
            closeQuietly(null, rtp);
            fail(e);
        }
    }

    /**
     * One call over {@code sip}, with media on {@code rtp}: INVITE, the 200, ACK. A call that is not
     * answered throws with the reason, and both sockets are closed.
     */
    static Call dial(Target target, String id, DatagramChannel rtp, SipUdpClient sip) throws IOException {
        try {
            int rtpPort = ((InetSocketAddress) rtp.getLocalAddress()).getPort();
            sip.request("INVITE", target.user(), 1, "load" + id, null, null,
                    SipUdpClient.sdp(rtpPort, "0 101", OFFER_ATTRIBUTES));
            SipUdpClient.SipMessage ok = sip.finalResponseTo("1 INVITE", ANSWER_TIMEOUT);
            if (ok == null || ok.status() != 200) {
                throw new IllegalStateException(target.name() + " did not answer call " + id + ": "
                        + (ok == null ? "no final response in " + ANSWER_TIMEOUT.toSeconds() + " s" : ok.startLine()));
            }
            Matcher m = MEDIA_PORT.matcher(ok.body());
            if (!m.find()) {
                throw new IllegalStateException(target.name() + " answered call " + id + " without an m=audio port");
            }
            String toTag = ok.header("To").replaceAll(".*;tag=", "");
            sip.request("ACK", target.user(), 1, "ack" + id, toTag, null, null);
            return new Call(sip, rtp, new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))), toTag);
        } catch (IOException | RuntimeException e) {
            closeQuietly(sip, rtp);
            throw e;
        }
    }

    private void fail(Throwable cause) {
        if (failed.getAndIncrement() == 0) {
            firstFailure = String.valueOf(cause.getMessage());
        }
    }

    /** Sends BYE on every call, waits for the 200s, and closes every socket. */
    @Override
    public void close() throws InterruptedException {
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Call c : calls) {
                pool.submit(() -> {
                    try {
                        if (c.sip() != null && !bye(c)) {
                            unended.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // the far end has gone; the socket still gets closed
                    } finally {
                        closeQuietly(c.sip(), c.rtp());
                    }
                });
            }
        }
        calls.clear();
        if (unended.get() > 0) {
            // They end on the media-plane's RTP timeout and count against its call limit until then.
            LOG.warning(() -> target.name() + ": " + unended.get() + " BYEs got no 200 OK (" + refusedBye.get()
                    + " another final response, the rest none after every retransmission)");
        }
    }

    /**
     * Sends BYE and retransmits it on RFC 3261's schedule (T1 = 500 ms, doubling) until a final response,
     * as any UA over UDP does: a burst of hundreds of BYEs can overflow a socket buffer, and a BYE lost
     * for good would leave its call up and counted against the next step.
     */
    private boolean bye(Call c) throws IOException {
        SipUdpClient.SipMessage r = bye(c, target.user());
        if (r != null && r.status() != 200 && refusedBye.getAndIncrement() == 0) {
            LOG.warning(() -> target.name() + ": a BYE got " + r.startLine() + "; its call may stay up until the RTP timeout");
        }
        return r != null && r.status() == 200;
    }

    /** BYE on RFC 3261's retransmission schedule; the final response, or null after the last try. */
    static SipUdpClient.SipMessage bye(Call c, String user) throws IOException {
        long wait = 500;
        for (int attempt = 0; attempt < 5; attempt++, wait *= 2) {
            c.sip().request("BYE", user, 2, byeBranch(c.sip()), c.toTag(), null, null);
            SipUdpClient.SipMessage r = c.sip().finalResponseTo("2 BYE", Duration.ofMillis(wait));
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /**
     * The BYE's Via branch: the Call-ID's letters and digits. The Call-ID itself holds an '@', which is
     * not a token character: every BYE got 400 and its call lived on until the RTP timeout, 30 s into
     * the next step, where hundreds of calls timing out at once stalled the media-plane.
     */
    static String byeBranch(SipUdpClient sip) {
        return "bye" + sip.callId.replaceAll("[^A-Za-z0-9]", "");
    }

    static void closeQuietly(SipUdpClient sip, DatagramChannel rtp) {
        try {
            if (sip != null) {
                sip.close();
            }
            if (rtp != null) {
                rtp.close();
            }
        } catch (IOException ignored) {
            // closing a UDP socket does not fail in a way worth reporting
        }
    }
}
