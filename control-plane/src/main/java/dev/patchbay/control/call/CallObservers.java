package dev.patchbay.control.call;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.patchbay.control.model.CallRecord;
import dev.patchbay.proto.media.v1.RtpStats;

/**
 * Several call observers as one. Each is told in turn and each failure is its own, so a broken
 * feature never keeps another from hearing of the call. Suppliers let an observer be built after
 * the call flow that feeds it (a mounted module needs the media links, which need the flow).
 */
public final class CallObservers implements CallObserver {

    private static final Logger LOG = Logger.getLogger(CallObservers.class.getName());

    private final List<Supplier<CallObserver>> observers;

    @SafeVarargs
    public CallObservers(Supplier<CallObserver>... observers) {
        this(List.of(observers));
    }

    public CallObservers(List<Supplier<CallObserver>> observers) {
        this.observers = List.copyOf(observers);
    }

    @Override
    public void ringing(CallRecord call) {
        each(call, o -> o.ringing(call));
    }

    @Override
    public void answered(CallRecord call) {
        each(call, o -> o.answered(call));
    }

    @Override
    public void ended(CallRecord call, RtpStats stats) {
        each(call, o -> o.ended(call, stats));
    }

    private void each(CallRecord call, Consumer<CallObserver> tell) {
        for (Supplier<CallObserver> o : observers) {
            try {
                tell.accept(o.get());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "call " + call.id() + ": a call observer failed", e);
            }
        }
    }
}
