package dev.patchbay.agents.calls;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.patchbay.agents.config.AgentsConfig;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.wallet.Ledger;
import dev.patchbay.agents.wallet.Money;
import dev.patchbay.agents.wallet.RateTable;
import dev.patchbay.agents.wallet.Tariff;
import dev.patchbay.agents.wallet.Wallet;
import dev.patchbay.agents.webhooks.AgentEvents;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.call.ConsultActions;
import dev.patchbay.control.call.OutboundDialer;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.delivery.TargetUrls;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;

import io.helidon.dbclient.DbExecute;

/**
 * Places an agent's call: checks the destination, the session's hourly call budget and the
 * wallet, caps the call's length at what the wallet can pay for, then dials through the
 * workspace's trunk. Used by initiate and by batch, scheduled and queued calls alike.
 */
public final class AgentDialer {

    /** A placed call with what the agent asked for. */
    public record Placed(CallRecord call, AgentCall agentCall) { }

    /** Records which call a dial job's attempt became, in the transaction that records the call (jobs' DialJobStore). */
    @FunctionalInterface
    public interface JobLink {
        void link(DbExecute tx, String jobId, String callId, Instant now);
    }

    private final OutboundDialer dialer;
    private final AgentCallStore calls;
    private final Wallet wallet;
    private final Destinations destinations = new Destinations();
    private final AgentEvents events;
    private final SsrfGuard guard;
    private final AgentsConfig config;
    private final JobLink jobs;

    public AgentDialer(OutboundDialer dialer, AgentCallStore calls, Wallet wallet, AgentEvents events, SsrfGuard guard,
                       AgentsConfig config, JobLink jobs) {
        this.jobs = jobs;
        this.dialer = dialer;
        this.calls = calls;
        this.wallet = wallet;
        this.events = events;
        this.guard = guard;
        this.config = config;
    }

    public Destinations destinations() {
        return destinations;
    }

    /**
     * @throws ProblemException 422 for a bad request, 402 when the wallet cannot pay one minute, 429
     *                          when the session's hourly calls are spent, 503 when no media node is up
     */
    public Placed place(AgentSession s, CallRequest r, String jobId, Instant now) {
        List<FieldError> errors = new java.util.ArrayList<>(r.problems());
        TargetUrls.guard(guard, errors, "webhook_url", r.webhookUrl(), SsrfGuard.HTTP_SCHEMES);
        TargetUrls.guard(guard, errors, "websocket_url", r.websocketUrl(), SsrfGuard.WEBSOCKET_SCHEMES);
        Quote quote = quote(s, r.toNumber(), "to_number", errors);
        Destinations.Destination to = quote.to();
        RateTable.Price price = quote.price();
        String from = r.fromNumber() != null ? r.fromNumber() : config.defaultCallerId();
        if (from == null || from.isBlank()) {
            errors.add(new FieldError("from_number", "is required: no default caller ID is configured"
                    + " (patchbay.agents.default-caller-id)"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the call request has invalid fields", errors);
        }
        withinHourlyBudget(s, now);
        boolean exact = r.maxDuration() != null;
        int requested = exact ? Math.min(r.maxDuration(), s.maxCallDuration()) : s.maxCallDuration();
        Ledger.Reservation reservation = reserve(s, quote, requested, exact);
        // Prepaid: the call may last only as long as its reservation pays for; the media-plane hangs up then.
        int maxDuration = reservation.maxSeconds();
        boolean privacy = r.privacyMode() != null ? r.privacyMode() : s.privacyMode();
        CallRecord.Stream stream = r.websocketUrl() != null
                ? new CallRecord.Stream(r.websocketUrl(), r.dialect() == null ? "twilio" : r.dialect(), 8000, null)
                : new CallRecord.Stream(null, "grpc", 8000, null);
        AgentCall[] agentCall = new AgentCall[1];
        CallRecord call;
        try {
            call = dialer.place(new OutboundDialer.Request(s.workspaceId(), to.e164(), from, stream, null, null, null,
                    new OutboundDialer.Options(privacy, r.callerIdName(), maxDuration, r.recordCall())), (tx, c) -> {
                        wallet.ledger().attach(tx, reservation.id(), c.id());
                        agentCall[0] = new AgentCall(c.id(), s.id(), s.agentId(), privacy, r.callerIdName(), maxDuration,
                                r.recordCall(), r.transcribe(), r.language(), r.webhookUrl(),
                                r.metadata() == null ? null : r.metadata().toString(), to.country(), to.rateType(),
                                price.microsPerMinute(), s.currency(), jobId, null, null, null, null, null, now);
                        calls.insert(tx, agentCall[0]);
                        if (jobId != null) {
                            jobs.link(tx, jobId, c.id(), now);
                        }
                        events.emit(tx, s, c.id(), "call.initiated", ApiJson.object().put("call_id", c.id())
                                .put("session_id", s.id()).put("to_number", c.to()).put("from_number", c.from())
                                .put("initiated_at", c.createdAt().toString()), r.webhookUrl());
                    });
        } catch (OutboundDialer.Refused e) {
            // Never placed, or refused by the media-plane before any answer: nothing to charge.
            wallet.ledger().settle(reservation.id(), 0, 0);
            List<FieldError> fields = e.field() == null ? List.of() : List.of(new FieldError(
                    e.field().equals("from") ? "from_number" : e.field().equals("to") ? "to_number" : e.field(), e.getMessage()));
            ProblemException p = ProblemException.of(e.httpStatus(), e.getMessage(), fields);
            throw e.httpStatus() == 503 ? p.withHeader("Retry-After", "2") : p;
        } catch (RuntimeException e) {
            releaseIfUnplaced(reservation);
            throw e;
        }
        events.wake();
        return new Placed(call, agentCall[0]);
    }

    /**
     * Consults {@code transferTo} from the agent's live call {@code of} (an attended transfer): the leg is a call
     * the agent pays for like any other, checked, held and rated as {@link #place} does, recorded with its own
     * agent row (so {@link Billing} settles it when it ends) and capped at what its reservation pays for.
     *
     * @throws ProblemException as {@link #place}, naming {@code parameters.transfer_to}
     * @throws CallActions.Refused when the call cannot consult now (ended, unanswered, its node away)
     */
    public CallRecord consult(AgentSession s, AgentCall of, CallRecord call, String transferTo, String hold,
                              ConsultActions consults, Instant now) {
        List<FieldError> errors = new java.util.ArrayList<>();
        if (transferTo == null) {
            errors.add(new FieldError("parameters.transfer_to", "is required: the E.164 number to consult"));
        }
        Quote quote = quote(s, transferTo, "parameters.transfer_to", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the consult request has invalid fields", errors);
        }
        withinHourlyBudget(s, now);
        Ledger.Reservation reservation = reserve(s, quote, s.maxCallDuration(), false);
        int maxDuration = reservation.maxSeconds();
        try {
            // A private call's consult leg hides the number too (the agent chose privacy for the whole call).
            ConsultActions.LegTerms terms = new ConsultActions.LegTerms(maxDuration, of.privacyMode(), (tx, c) -> {
                wallet.ledger().attach(tx, reservation.id(), c.id());
                calls.insert(tx, new AgentCall(c.id(), s.id(), s.agentId(), of.privacyMode(), of.callerIdName(), maxDuration,
                        false, false, of.language(), of.webhookUrl(), null, quote.to().country(), quote.to().rateType(),
                        quote.price().microsPerMinute(), s.currency(), null, null, null, null, null, null, now));
                events.emit(tx, s, c.id(), "call.initiated", ApiJson.object().put("call_id", c.id())
                        .put("session_id", s.id()).put("to_number", quote.to().e164()).put("from_number", c.from())
                        .put("consult_of", call.id()).put("initiated_at", c.createdAt().toString()), of.webhookUrl());
            });
            CallRecord leg = consults.consult(call, quote.to().e164(), hold, terms);
            events.wake();
            return leg;
        } catch (RuntimeException e) {
            releaseIfUnplaced(reservation); // refused before the leg was recorded: nothing to charge
            throw e;
        }
    }

    /** Where a number goes and what it costs a minute; adds what is wrong with it to {@code errors} under {@code field}. */
    private record Quote(Destinations.Destination to, RateTable.Price price) { }

    private Quote quote(AgentSession s, String number, String field, List<FieldError> errors) {
        Destinations.Destination to = number == null ? null : destinations.parse(number.strip()).orElse(null);
        if (to != null && to.emergency()) {
            errors.add(new FieldError(field, "is an emergency number; an agent may not dial emergency services"));
        } else if (number != null && (to == null || !to.valid())) {
            errors.add(new FieldError(field, "is not a valid phone number; give it in E.164 form such as +14155551234"));
        } else if (to != null && to.premium()) {
            errors.add(new FieldError(field, "is a premium-rate number; these are blocked to protect the wallet"));
        }
        RateTable.Price price = to == null || !to.valid() ? null
                : wallet.rates().price(to.e164(), to.rateType(), s.currency()).orElse(null);
        if (to != null && to.valid() && !to.emergency() && !to.premium() && price == null) {
            errors.add(new FieldError(field, "has no rate: this gateway does not call " + to.country()
                    + " numbers; see GET /api/v1/numbers/rates"));
        }
        return new Quote(to, price);
    }

    /** 429 with Retry-After when the session placed its hourly number of calls already. */
    private void withinHourlyBudget(AgentSession s, Instant now) {
        Instant windowStart = now.minus(Duration.ofHours(1));
        long placed = calls.callsSince(s.id(), windowStart);
        if (placed >= s.callsPerHour()) {
            // Retry-After: when enough of the last hour's calls age out; batch and queued calls wait until then.
            long wait = calls.windowOpensAt(s.id(), windowStart, placed, s.callsPerHour(), Duration.ofHours(1))
                    .map(at -> Math.max(1, Duration.between(now, at).toSeconds() + 1)).orElse(60L);
            throw ProblemException.of(429, "session " + s.id() + " placed " + s.callsPerHour() + " calls in the last hour,"
                    + " its limit; retry in " + wait + " s").withHeader("Retry-After", Long.toString(wait));
        }
    }

    /**
     * Holds the call's worst case before it is placed (issue 18): concurrent calls of one wallet each see only
     * what the others left, and the wallet can never be overdrawn. 402 when it cannot.
     */
    private Ledger.Reservation reserve(AgentSession s, Quote q, int requested, boolean exact) {
        Tariff tariff = new Tariff(q.price().microsPerMinute(), config.billingIncrement());
        Ledger.Hold hold = wallet.ledger().reserve(s.id(), s.workspaceId(), s.budgetMicros(), tariff, requested, exact);
        if (hold instanceof Ledger.Hold.Short shortOf) {
            throw insufficient(s, q.to(), tariff, requested, exact, shortOf);
        }
        return ((Ledger.Hold.Reserved) hold).reservation();
    }

    /** After a failure: a reservation that no recorded call took (its transaction rolled back) is released now. */
    private void releaseIfUnplaced(Ledger.Reservation reservation) {
        try {
            wallet.ledger().releaseUnplaced(reservation.id());
        } catch (RuntimeException again) {
            // The database is failing too; the sweeper releases it after patchbay.agents.wallet.sweep-grace.
        }
    }

    /** 402, saying what the call needed, what the wallet holds, and whether the session's spend limit was the bound. */
    private static ProblemException insufficient(AgentSession s, Destinations.Destination to, Tariff tariff, int requested,
                                                 boolean exact, Ledger.Hold.Short shortOf) {
        String need = Money.value(shortOf.neededMicros()) + " " + s.currency() + " ("
                + (exact ? requested + " s" : "one billing increment") + " to " + to.e164() + " at "
                + Money.value(tariff.microsPerMinute()) + " a minute)";
        if (shortOf.byLimit()) {
            return ProblemException.of(402, "the session's max_spend_limit leaves " + Money.value(shortOf.headroomMicros())
                    + " " + s.currency() + " after its calls' spend and reservations; the call needs " + need,
                    new FieldError("user_consent.max_spend_limit", "leaves too little for this call"));
        }
        List<FieldError> fields = exact ? List.of(new FieldError("call_settings.max_duration",
                "costs more than the wallet holds; ask for a shorter call or add credits")) : List.of();
        return ProblemException.of(402, "the wallet holds " + Money.value(shortOf.availableMicros()) + " " + s.currency()
                + " not held by other calls, less than the call needs: " + need + "; add credits: an operator or workspace"
                + " admin grants them with POST /v1/workspaces/" + s.workspaceId() + "/agent-sessions/" + s.id()
                + "/credits on the admin API", fields);
    }
}
