package dev.patchbay.control.delivery;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs to URLs that users supplied, through the {@link SsrfGuard}: the guard runs right before
 * every connection, and redirects are followed by hand (at most {@value #MAX_REDIRECTS}) so each
 * hop is checked too. The JDK client resolves the host again after our check; the JVM's DNS cache
 * usually hands it the same answer, which keeps the rebinding window to the cache's lifetime.
 */
public final class OutboundHttp {

    public static final int MAX_REDIRECTS = 3;
    /** Answers are small documents; a larger one is cut here and reported as such. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /** How one POST ended. */
    public sealed interface Outcome {
        /** The final response after redirects; {@code truncated} when the body exceeded the cap. */
        record Response(int status, String contentType, String body, boolean truncated, URI finalUrl) implements Outcome { }

        /** The guard refused the URL or a redirect target; no connection was made to it. */
        record Refused(String reason) implements Outcome { }

        /** No response: {@code kind} says why, {@code message} in words. */
        record Failed(Failure kind, String message) implements Outcome { }
    }

    public enum Failure { TIMEOUT, CONNECTION_REFUSED, UNRESOLVED, REDIRECTS, IO }

    private final HttpClient client;
    private final SsrfGuard guard;

    /**
     * @param client must not follow redirects ({@link HttpClient.Redirect#NEVER}); this class does
     */
    public OutboundHttp(HttpClient client, SsrfGuard guard) {
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the HttpClient for outgoing webhooks must use Redirect.NEVER, "
                    + "so that every redirect hop passes the SSRF guard");
        }
        this.client = client;
        this.guard = guard;
    }

    /** A client fit for this class: no redirects, bounded connect time. */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * POSTs {@code body} to {@code url} with {@code headers}. 301/302/303/307/308 are followed
     * keeping the method and body: the receiver is a machine endpoint, and a GET would drop the payload.
     *
     * @param timeout for the whole exchange, redirects included
     */
    public Outcome post(URI url, String body, Map<String, String> headers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI current = url;
        for (int hop = 0; ; hop++) {
            switch (guard.check(current)) {
                case SsrfGuard.Verdict.Refused r -> {
                    return new Outcome.Refused(hop == 0 ? r.reason() : "redirect hop " + hop + ": " + r.reason());
                }
                case SsrfGuard.Verdict.Unresolved u -> {
                    return new Outcome.Failed(Failure.UNRESOLVED, u.reason());
                }
                case SsrfGuard.Verdict.Allowed a -> { }
            }
            Hop result = once(current, body, headers, deadline);
            if (!(result.outcome() instanceof Outcome.Response r) || !REDIRECTS.contains(r.status())
                    || result.location() == null) {
                return result.outcome();
            }
            String location = result.location();
            if (hop >= MAX_REDIRECTS) {
                return new Outcome.Failed(Failure.REDIRECTS, SsrfGuard.redacted(url) + " redirected more than "
                        + MAX_REDIRECTS + " times; point the webhook at the final URL");
            }
            try {
                current = current.resolve(location);
            } catch (IllegalArgumentException e) {
                return new Outcome.Failed(Failure.REDIRECTS, "redirect to an invalid Location '" + location + "'");
            }
        }
    }

    /** One exchange and, for a redirect, where it points. */
    private record Hop(Outcome outcome, String location) {
        Hop(Outcome outcome) {
            this(outcome, null);
        }
    }

    private Hop once(URI url, String body, Map<String, String> headers, long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return new Hop(new Outcome.Failed(Failure.TIMEOUT, "no answer from " + url.getHost() + " in time"));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                // Cleartext stays HTTP/1.1: the client's h2c upgrade attempt confuses some receivers.
                .version("https".equalsIgnoreCase(url.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .timeout(Duration.ofNanos(remaining))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request.build(), info -> new Capped());
        try {
            HttpResponse<byte[]> response = future.get(remaining, TimeUnit.NANOSECONDS);
            byte[] bytes = response.body();
            boolean truncated = bytes.length > MAX_BODY_BYTES;
            String text = new String(bytes, 0, Math.min(bytes.length, MAX_BODY_BYTES), StandardCharsets.UTF_8);
            return new Hop(new Outcome.Response(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), text, truncated, url),
                    response.headers().firstValue("Location").orElse(null));
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Hop(new Outcome.Failed(Failure.TIMEOUT, "no answer from " + url.getHost() + " in time"));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new Hop(new Outcome.Failed(Failure.IO, "interrupted while waiting for " + url.getHost()));
        } catch (ExecutionException e) {
            return new Hop(failure(url, e.getCause()));
        }
    }

    private static Outcome failure(URI url, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
                return new Outcome.Failed(Failure.TIMEOUT, "no answer from " + url.getHost() + " in time");
            }
            if (t instanceof ConnectException) {
                return new Outcome.Failed(Failure.CONNECTION_REFUSED, "connection to " + url.getHost() + ":"
                        + port(url) + " refused");
            }
        }
        String what = cause == null ? "unknown error" : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new Outcome.Failed(Failure.IO, "request to " + url.getHost() + " failed (" + what + ")");
    }

    private static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /** Collects at most {@link #MAX_BODY_BYTES} + 1 bytes, then stops reading. */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), MAX_BODY_BYTES + 1 - out.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                out.write(chunk, 0, n);
            }
            if (out.size() > MAX_BODY_BYTES) {
                subscription.cancel();
                result.complete(out.toByteArray());
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
