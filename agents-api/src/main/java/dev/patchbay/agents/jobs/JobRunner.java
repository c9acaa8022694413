package dev.patchbay.agents.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.calls.AgentDialer;
import dev.patchbay.agents.calls.CallRequest;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.session.SessionStore;
import dev.patchbay.control.call.CallObserver;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;

/**
 * Places due dial jobs and settles them when their calls end: a call that did not complete is
 * retried after the job's interval until its attempts are spent. Every replica runs one; the
 * store's claims keep them from dialing a job twice.
 */
public final class JobRunner implements CallObserver {

    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final int BATCH = 20;
    private static final int ROUNDS = 5;

    private final DialJobStore jobs;
    private final SessionStore sessions;
    private final AgentDialer dialer;
    private final String owner;
    private final Clock clock;

    public JobRunner(DialJobStore jobs, SessionStore sessions, AgentDialer dialer, String owner, Clock clock) {
        this.jobs = jobs;
        this.sessions = sessions;
        this.dialer = dialer;
        this.owner = owner;
        this.clock = clock;
    }

    /** Polls for due jobs every {@code interval} on {@code timers}, dialing on {@code workers}. */
    public void start(ScheduledExecutorService timers, ExecutorService workers, Duration interval) {
        timers.scheduleWithFixedDelay(() -> workers.execute(this::pollQuietly), interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warning(() -> "claiming dial jobs failed: " + e.getMessage());
        }
    }

    /**
     * Claims and dials what is due now, a fair pick of {@code BATCH} at a time, picking again while
     * picks come back full (up to {@code ROUNDS}), so a large batch need not wait a poll per 20 calls.
     * Returns how many jobs it claimed.
     */
    public int poll() {
        int total = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Instant now = clock.instant();
            var claimed = jobs.claim(owner, now, now.plus(LEASE), BATCH);
            claimed.forEach(this::dial);
            total += claimed.size();
            if (claimed.size() < BATCH) {
                break;
            }
        }
        return total;
    }

    private void dial(DialJob job) {
        Instant now = clock.instant();
        AgentSession s = sessions.find(job.sessionId()).orElse(null);
        if (s == null || !s.active(now)) {
            jobs.settle(job.id(), DialJob.State.CANCELED, job.runAt(), "the session has ended", now);
            return;
        }
        try {
            CallRequest r = CallRequest.read(JsonBody.of((ObjectNode) JSON.readTree(job.request()), CallRequest.FIELDS));
            dialer.place(s, r, job.id(), now);
        } catch (ProblemException p) {
            if (p.status() == 429) {
                // The session's hourly calls are spent: the call waits for the window to reopen, as a
                // dialer paces a campaign, rather than failing; it has not been dialed, so no attempt is spent.
                long wait = retryAfter(p);
                jobs.defer(job.id(), job.sessionId(), now.plusSeconds(wait), "deferred " + wait + " s: " + p.detail(), now);
                return;
            }
            // A busy gateway passes; a bad request or an empty wallet does not.
            // The snapshot was read before the claim counted this attempt.
            Instant retryAt = now.plusSeconds(job.retryIntervalSeconds());
            if (p.status() == 503 && job.attempts() + 1 < job.maxAttempts() && withinWait(job, retryAt)) {
                jobs.settle(job.id(), DialJob.State.PENDING, retryAt, p.status() + " " + p.detail(), now);
            } else {
                jobs.settle(job.id(), DialJob.State.FAILED, job.runAt(), p.status() + " " + p.detail(), now);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            LOG.warning(() -> "dial job " + job.id() + " failed: " + e.getMessage());
            jobs.settle(job.id(), DialJob.State.FAILED, job.runAt(), "error: " + e.getMessage(), now);
        }
    }

    @Override
    public void ended(CallRecord call, RtpStats stats) {
        DialJob job = jobs.byCall(call.id()).orElse(null);
        if (job == null) {
            return;
        }
        Instant now = clock.instant();
        String result = call.status().wire() + (call.sipStatus() == null ? "" : " " + call.sipStatus());
        Instant retryAt = now.plusSeconds(job.retryIntervalSeconds());
        if (call.status() == CallStatus.COMPLETED) {
            jobs.settle(job.id(), DialJob.State.COMPLETED, job.runAt(), result, now);
        } else if (job.attempts() < job.maxAttempts() && withinWait(job, retryAt)) {
            jobs.settle(job.id(), DialJob.State.PENDING, retryAt, result, now);
        } else {
            jobs.settle(job.id(), DialJob.State.FAILED, job.runAt(), job.attempts() < job.maxAttempts()
                    ? result + "; not retried: the next attempt would start after max_wait_time" : result, now);
        }
    }

    /** A queued call's retries start within its max_wait_time, counted from when it was queued. */
    private static boolean withinWait(DialJob job, Instant retryAt) {
        return job.giveUpAt() == null || !retryAt.isAfter(job.giveUpAt());
    }

    /** Seconds until the session's hourly window has room, from the dialer's Retry-After. */
    private static long retryAfter(ProblemException p) {
        try {
            return Math.max(1, Long.parseLong(p.headers().getOrDefault("Retry-After", "60")));
        } catch (NumberFormatException e) {
            return 60;
        }
    }
}
