package dev.patchbay.control.store;

import java.time.Clock;
import java.util.List;

import dev.patchbay.control.model.CallEvent;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallRecord.Direction;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.testing.H2Database;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call's whole life on the local default database, embedded H2 as `./patchbay up` runs it: every statement a
 * call writes must be one that H2 accepts too. An `ON CONFLICT` insert once passed every PostgreSQL test and
 * failed each call's first event here, so `./patchbay up` answered no call.
 */
class CallStoreH2Test {

    @Test
    void aCallIsInsertedAnsweredLoggedAndEndedOnH2() throws Exception {
        H2Database h2 = H2Database.inTempFolder("callstore-h2");
        h2.sql("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_h2', 'H2', TRUE, CURRENT_TIMESTAMP)");
        DbClient client = h2.client();
        try {
            CallStore store = new CallStore(client, Clock.systemUTC());
            store.insert(new CallRecord("CA_h2", "ws_h2", null, Direction.INBOUND, CallStatus.RINGING, "+15550001111",
                    "+15550002222", null, "127.0.0.1:9090", "tok", new CallRecord.Stream("wss://bot.example/s", "twilio", 8000, null),
                    null, null, null, null, null, store.now(), null, null), null, null, "routed");
            assertTrue(store.advance("CA_h2", CallStatus.IN_PROGRESS, "answered"));
            store.event("CA_h2", "dtmf", "5");
            assertTrue(store.end("CA_h2", CallStatus.COMPLETED, "caller_bye", 200, null, null));
            List<String> types = store.events("CA_h2").stream().map(CallEvent::type).toList();
            assertEquals(List.of("ringing", "in-progress", "dtmf", "completed"), types);
        } finally {
            client.close();
        }
    }
}
