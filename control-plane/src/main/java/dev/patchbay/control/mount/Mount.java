package dev.patchbay.control.mount;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import dev.patchbay.control.api.ApiKeyAuth;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.call.CallObserver;
import dev.patchbay.control.call.OutboundDialer;
import dev.patchbay.control.delivery.Outbox;
import dev.patchbay.control.delivery.OutboxWorker;
import dev.patchbay.control.delivery.SigningKeys;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.recording.Recordings;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.proto.media.v1.RtpStats;
import dev.patchbay.schema.SecretBox;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;

/**
 * An API served by the control-plane process from another module (agents-api, seed 003), in the same
 * server and on the same calls. Modules are found on the class path with {@link ServiceLoader}, so the
 * control-plane compiles without them: they depend on it, not the other way round.
 */
public interface Mount {

    /** Its HTTP routes (filters included); added after the provider API's. */
    void routing(HttpRouting.Builder routing);

    /** Its WebSocket routes, on the same server. */
    WsRouting.Builder wsRouting();

    /** Starts its background work on the process's timers and workers. */
    void start(ScheduledExecutorService timers, ExecutorService workers);

    /** Told of every call's life (billing, webhooks). */
    CallObserver observer();

    /** What the control-plane hands a mounted module. */
    record Services(DbClient db, ApiKeyAuth keys, CallStore calls, OutboundDialer dialer, CallActions actions,
                    SsrfGuard guard, Outbox outbox, OutboxWorker worker, SecretBox secrets,
                    Function<CallRecord, Optional<RtpStats>> liveStats, Recordings recordings, String replica,
                    Clock clock) { }

    /** Registered in {@code META-INF/services/dev.patchbay.control.mount.Mount$Factory}. */
    interface Factory {

        /** Its name, for the start-up log. */
        String name();

        /**
         * The keys the outbox signs with, before the outbox starts: a module whose webhooks sign with
         * their own secrets wraps {@code next}.
         */
        default SigningKeys signing(SigningKeys next, DbClient db, SecretBox secrets) {
            return next;
        }

        Mount create(Config root, Services services);
    }

    /** The factories on the class path, in a stable order (by name). */
    static List<Factory> factories() {
        return ServiceLoader.load(Factory.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(Factory::name)).toList();
    }
}
