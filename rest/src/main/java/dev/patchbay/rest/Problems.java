package dev.patchbay.rest;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.DirectHandler;
import io.helidon.http.HttpException;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;

/**
 * Makes every failure of a REST API an RFC 9457 problem: the ones handlers throw, the ones Helidon
 * raises before routing, and unexpected ones, which are logged once with their cause.
 */
public final class Problems {

    private Problems() {
    }

    /** Error handlers for a routing; {@code service} names the process in 500 answers and logs. */
    public static void install(HttpRouting.Builder routing, String service, Logger log) {
        routing.error(ProblemException.class, (req, res, e) -> {
                    req.context().get(StickyHeaders.class).ifPresent(h -> h.headers().forEach(res::header));
                    ApiJson.sendProblem(res, req.path().absolute().path(), e);
                })
                .error(HttpException.class, (req, res, e) -> ApiJson.sendProblem(res, req.path().absolute().path(),
                        ProblemException.of(e.status().code(), e.getMessage())))
                .error(RuntimeException.class, (req, res, e) -> {
                    log.log(Level.SEVERE, service + " failed on " + req.prologue().method().text() + " "
                            + req.path().absolute().path(), e);
                    ApiJson.sendProblem(res, req.path().absolute().path(), ProblemException.of(500,
                            "the " + service + " failed to handle this request; the server log has the cause"));
                });
    }

    /** Problem answers for what Helidon rejects before routing (oversized body, bad request line). */
    public static DirectHandlers beforeRouting(long maxBody, String service) {
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        ProblemDirectHandler problems = new ProblemDirectHandler(maxBody, service);
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            handlers.addHandler(type, problems);
        }
        return handlers.build();
    }
}
