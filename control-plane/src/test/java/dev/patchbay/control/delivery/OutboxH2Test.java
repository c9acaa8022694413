package dev.patchbay.control.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.patchbay.media.testutil.Await;
import dev.patchbay.control.testing.H2Database;
import dev.patchbay.control.testing.Receiver;
import dev.patchbay.control.testing.Receiver.Answer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The local default database: the same statements, claims and retries on embedded H2. */
class OutboxH2Test {

    @Test
    void twoWorkersOnH2DeliverEveryRowExactlyOnceAfterARetry() throws Exception {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        try (OutboxFixture fx = new OutboxFixture(H2Database.inTempFolder("outbox-h2").settings());
             Receiver r = Receiver.loopback(req -> {
                 int n = seen.computeIfAbsent(req.header(WebhookSigner.DELIVERY_ID_HEADER), k -> new AtomicInteger())
                         .incrementAndGet();
                 return n == 1 ? Answer.of(503) : Answer.of(200); // every row needs one retry
             })) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                ids.add(fx.outbox.enqueue(OutboxFixture.message(r.url("/cb").toString(), "{\"i\":" + i + "}")));
            }
            fx.start(fx.db, OutboxFixture.fast(5, 2), OutboxFixture.LOOPBACK_OK).wake();
            fx.start(fx.newClient(), OutboxFixture.fast(5, 2), OutboxFixture.LOOPBACK_OK).wake();
            for (String id : ids) {
                Await.until(() -> fx.entry(id).state() == Outbox.State.DELIVERED, Duration.ofSeconds(20),
                        () -> id + " delivered on H2, is " + fx.entry(id));
            }
            for (String id : ids) {
                assertEquals(2, seen.get(id).get(), id + ": one 503, then exactly one successful delivery");
                assertEquals(2, fx.entry(id).attempts());
            }
        }
    }
}
