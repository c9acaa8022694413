package dev.patchbay.agents.jobs;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.auth.SessionTokens;
import dev.patchbay.agents.calls.CallRequest;
import dev.patchbay.agents.calls.Destinations;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.account.SessionsApi;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 003 §11-13: batch, scheduled and queued calls. Each becomes dial jobs in the database,
 * answered at once with their ids; the job runner places them, so a restart loses none.
 */
public final class JobsApi {

    private static final int MAX_CALLS = 500;

    private final SessionsApi sessions;
    private final DialJobStore jobs;
    private final Destinations destinations;
    private final java.time.Clock clock;

    public JobsApi(SessionsApi sessions, DialJobStore jobs, Destinations destinations, java.time.Clock clock) {
        this.sessions = sessions;
        this.jobs = jobs;
        this.destinations = destinations;
        this.clock = clock;
    }

    public void routing(HttpRules rules) {
        rules.post(AgentAuth.PREFIX + "/batch/calls", this::batch)
                .get(AgentAuth.PREFIX + "/batch/{id}", (req, res) -> group(req, res, "batch_id"))
                .post(AgentAuth.PREFIX + "/scheduled-calls", this::schedule)
                .get(AgentAuth.PREFIX + "/scheduled-calls/{id}", this::scheduled)
                .delete(AgentAuth.PREFIX + "/scheduled-calls/{id}", this::cancel)
                .post(AgentAuth.PREFIX + "/queue/add", this::queue)
                .get(AgentAuth.PREFIX + "/queue/{id}", (req, res) -> group(req, res, "queue_id"));
    }

    /** The initiate fields shared by every entry, with the list field and the kind's own settings. */
    private static List<String> fields(String... own) {
        List<String> f = new ArrayList<>(CallRequest.FIELDS);
        f.remove("to_number");
        f.addAll(List.of(own));
        return f;
    }

    private void batch(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, fields("calls", "retry_policy"));
        CallRequest shared = CallRequest.read(body);
        List<Entry> entries = entries(body, false);
        List<FieldError> policyErrors = new ArrayList<>();
        // Silent in the seed: a batch call is dialed once unless retry_policy asks for more, as Twilio and Plivo do.
        RetryPolicy policy = RetryPolicy.read(body, new RetryPolicy(1, 300), policyErrors);
        body.requireShape();
        AgentSession s = sessions.open(req, shared.sessionId());
        List<FieldError> errors = check(shared, entries);
        errors.addAll(policyErrors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the batch has invalid fields", errors);
        }
        Instant now = clock.instant();
        String group = SessionTokens.newId("batch");
        List<DialJob> list = entries.stream().map(e -> job(s, DialJob.Kind.BATCH, group, shared, e, 0, null, null,
                policy.maxAttempts(), policy.retryIntervalSeconds(), now, null)).toList();
        jobs.insert(list);
        ObjectNode out = ApiJson.object().put("batch_id", group).put("status", "processing").put("total_calls", list.size());
        out.set("calls", entriesJson(jobs.group(group)));
        ApiJson.send(res, Status.ACCEPTED_202, out);
    }

    private void schedule(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, fields("to_number", "scheduled_time", "timezone", "retry_policy"));
        CallRequest r = CallRequest.read(body);
        Optional<String> time = body.string("scheduled_time");
        Optional<String> zone = body.string("timezone");
        List<FieldError> policyErrors = new ArrayList<>();
        RetryPolicy policy = RetryPolicy.read(body, new RetryPolicy(1, 300), policyErrors);
        body.requireShape();
        AgentSession s = sessions.open(req, r.sessionId());
        List<FieldError> errors = check(r, List.of(new Entry(r.toNumber(), null, 5, null, "to_number")));
        errors.addAll(policyErrors);
        ZoneId tz = null;
        try {
            tz = ZoneId.of(zone.orElse("UTC"));
        } catch (DateTimeException e) {
            errors.add(new FieldError("timezone", "is not an IANA time zone such as America/Los_Angeles"));
        }
        Instant at = null;
        if (time.isEmpty()) {
            errors.add(new FieldError("scheduled_time", "is required: ISO 8601, e.g. 2026-02-06T09:00:00Z, or a local"
                    + " time such as 2026-02-06T09:00:00 read in timezone"));
        } else if (tz != null) {
            at = instant(time.get(), tz, errors);
        }
        Instant now = clock.instant();
        if (at != null && at.isAfter(now.plus(java.time.Duration.ofDays(366)))) {
            errors.add(new FieldError("scheduled_time", "must be within a year"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the scheduled call has invalid fields", errors);
        }
        // A time in the past runs at once, as a late scheduler would.
        DialJob job = job(s, DialJob.Kind.SCHEDULED, null, r, new Entry(r.toNumber(), null, 5, null, "to_number"), 5, null,
                tz.getId(), policy.maxAttempts(), policy.retryIntervalSeconds(), at.isBefore(now) ? now : at, null);
        jobs.insert(List.of(job));
        res.header("Location", AgentAuth.PREFIX + "/scheduled-calls/" + job.id());
        ApiJson.send(res, Status.CREATED_201, scheduledJson(jobs.find(job.id()).orElseThrow()));
    }

    private void scheduled(ServerRequest req, ServerResponse res) {
        ApiJson.send(res, Status.OK_200, scheduledJson(owned(req)));
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        DialJob job = owned(req);
        if (!jobs.cancel(job.id(), clock.instant())) {
            throw ProblemException.of(409, "scheduled call " + job.id() + " is " + DialJob.wire(jobs.find(job.id())
                    .orElseThrow().state()) + "; only a pending call can be canceled", new FieldError("id", "is not pending"));
        }
        ApiJson.send(res, Status.OK_200, scheduledJson(jobs.find(job.id()).orElseThrow()));
    }

    private void queue(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, fields("calls", "queue_settings", "retry_policy"));
        CallRequest shared = CallRequest.read(body);
        List<Entry> entries = entries(body, true);
        Optional<JsonBody> settings = body.nested("queue_settings", List.of("concurrent_limit", "retry_failed"));
        Optional<Long> limit = settings.flatMap(q -> q.integer("concurrent_limit"));
        Optional<Boolean> retryFailed = settings.flatMap(q -> q.bool("retry_failed"));
        List<FieldError> policyErrors = new ArrayList<>();
        // retry_failed without a retry_policy: three attempts a minute apart, a dialer's usual redial policy.
        RetryPolicy policy = RetryPolicy.read(body, new RetryPolicy(3, 60), policyErrors);
        body.requireShape();
        AgentSession s = sessions.open(req, shared.sessionId());
        List<FieldError> errors = check(shared, entries);
        errors.addAll(policyErrors);
        int concurrency = limit.orElse(1L).intValue();
        if (concurrency < 1 || concurrency > 100) {
            errors.add(new FieldError("queue_settings.concurrent_limit", "must be 1 to 100"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the queue request has invalid fields", errors);
        }
        Instant now = clock.instant();
        String group = SessionTokens.newId("queue");
        int attempts = retryFailed.orElse(false) ? policy.maxAttempts() : 1;
        List<DialJob> list = entries.stream().map(e -> job(s, DialJob.Kind.QUEUED, group, shared, e, e.priority(),
                concurrency, null, attempts, policy.retryIntervalSeconds(), now, e.maxWait() == null ? null : now.plusSeconds(e.maxWait()))).toList();
        jobs.insert(list);
        ObjectNode out = ApiJson.object().put("queue_id", group).put("status", "queued").put("total_calls", list.size())
                .put("concurrent_limit", concurrency);
        out.set("calls", entriesJson(jobs.group(group)));
        ApiJson.send(res, Status.ACCEPTED_202, out);
    }

    private void group(ServerRequest req, ServerResponse res, String idField) {
        String id = req.path().pathParameters().get("id");
        List<DialJob> list = jobs.group(id);
        if (list.isEmpty()) {
            throw ProblemException.notFound("there is no " + idField.replace("_id", "") + " " + id, "id");
        }
        sessions.session(req, list.get(0).sessionId());
        ObjectNode out = ApiJson.object().put(idField, id).put("total_calls", list.size())
                .put("status", list.stream().allMatch(j -> j.state() != DialJob.State.PENDING
                        && j.state() != DialJob.State.DIALING) ? "completed" : "processing");
        ObjectNode counts = out.putObject("counts");
        for (DialJob.State state : DialJob.State.values()) {
            counts.put(DialJob.wire(state), list.stream().filter(j -> j.state() == state).count());
        }
        out.set("calls", entriesJson(list));
        ApiJson.send(res, Status.OK_200, out);
    }

    private DialJob owned(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        DialJob job = jobs.find(id).filter(j -> j.kind() == DialJob.Kind.SCHEDULED).orElseThrow(() ->
                ProblemException.notFound("there is no scheduled call " + id, "id"));
        sessions.session(req, job.sessionId());
        return job;
    }

    /** One list entry: its number, metadata, priority and wait, and its name for errors. */
    private record Entry(String toNumber, ObjectNode metadata, int priority, Integer maxWait, String field) { }

    private static List<Entry> entries(JsonBody body, boolean queued) {
        List<Entry> out = new ArrayList<>();
        com.fasterxml.jackson.databind.JsonNode calls = body.node().get("calls");
        if (calls == null || !calls.isArray()) {
            return out;
        }
        for (int i = 0; i < calls.size(); i++) {
            com.fasterxml.jackson.databind.JsonNode c = calls.get(i);
            String f = "calls[" + i + "]";
            out.add(new Entry(c.path("to_number").isTextual() ? c.get("to_number").asText() : null,
                    c.path("metadata").isObject() ? (ObjectNode) c.get("metadata") : null,
                    queued && c.path("priority").canConvertToInt() ? c.get("priority").asInt() : 5,
                    queued && c.path("max_wait_time").canConvertToInt() ? c.get("max_wait_time").asInt() : null, f));
        }
        return out;
    }

    private List<FieldError> check(CallRequest shared, List<Entry> entries) {
        List<FieldError> errors = new ArrayList<>(shared.problems().stream()
                .filter(e -> !e.field().equals("to_number")).toList());
        if (entries.isEmpty() || entries.size() > MAX_CALLS) {
            errors.add(new FieldError("calls", "must list 1 to " + MAX_CALLS + " calls"));
        }
        for (Entry e : entries) {
            String field = e.field().equals("to_number") ? "to_number" : e.field() + ".to_number";
            Destinations.Destination d = e.toNumber() == null ? null : destinations.parse(e.toNumber()).orElse(null);
            if (d == null || !d.valid()) {
                errors.add(new FieldError(field, "is required: a valid E.164 number such as +14155551234"));
            } else if (d.emergency() || d.premium()) {
                errors.add(new FieldError(field, "is an emergency or premium-rate number, which agents may not dial"));
            }
            if (e.priority() < 1 || e.priority() > 10) {
                errors.add(new FieldError(e.field() + ".priority", "must be 1 (highest) to 10"));
            }
            if (e.maxWait() != null && (e.maxWait() < 1 || e.maxWait() > 86_400)) {
                errors.add(new FieldError(e.field() + ".max_wait_time", "must be 1 to 86400 seconds"));
            }
        }
        return errors;
    }

    private DialJob job(AgentSession s, DialJob.Kind kind, String group, CallRequest shared, Entry e, int priority,
                               Integer concurrency, String tz, int attempts, int interval, Instant runAt, Instant giveUp) {
        String id = SessionTokens.newId(kind == DialJob.Kind.SCHEDULED ? "sched" : "job");
        CallRequest r = shared.to(s.id(), e.toNumber(), e.metadata());
        return new DialJob(id, s.id(), kind, group, e.toNumber(), r.toJson().toString(), priority == 0 ? 5 : priority,
                concurrency, tz, attempts, interval, 0, DialJob.State.PENDING, runAt, giveUp, null, null, clock.instant());
    }

    private static Instant instant(String value, ZoneId zone, List<FieldError> errors) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException e) {
            try {
                return LocalDateTime.parse(value).atZone(zone).toInstant();
            } catch (DateTimeException e2) {
                errors.add(new FieldError("scheduled_time", "must be ISO 8601, e.g. 2026-02-06T09:00:00Z"));
                return null;
            }
        }
    }

    private static ObjectNode scheduledJson(DialJob j) {
        return ApiJson.object().put("scheduled_call_id", j.id()).put("to_number", j.toNumber())
                .put("scheduled_time", j.runAt().toString()).put("timezone", j.timezone()).put("status",
                        j.state() == DialJob.State.PENDING && j.attempts() == 0 ? "scheduled" : DialJob.wire(j.state()))
                .put("attempts", j.attempts()).put("max_attempts", j.maxAttempts()).put("call_id", j.callId())
                .put("last_result", j.lastResult()).put("created_at", j.createdAt().toString());
    }

    private static ArrayNode entriesJson(List<DialJob> list) {
        ArrayNode calls = ApiJson.object().arrayNode();
        for (DialJob j : list) {
            calls.addObject().put("job_id", j.id()).put("call_id", j.callId()).put("to_number", j.toNumber())
                    .put("priority", j.priority()).put("status", DialJob.wire(j.state())).put("attempts", j.attempts())
                    .put("last_result", j.lastResult());
        }
        return calls;
    }
}
