package dev.patchbay.control.call;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallRecord.Direction;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.proto.media.v1.CallHangup;
import dev.patchbay.proto.media.v1.ConsultCompletion;
import dev.patchbay.proto.media.v1.ConsultProgress;
import dev.patchbay.proto.media.v1.ConsultStep;
import dev.patchbay.proto.media.v1.ControlEvent;
import dev.patchbay.proto.media.v1.HangupCause;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A call's events run one after another; one step that throws must not silently swallow the steps after it. */
class CallFlowQueueTest {

    private static final String NODE = "127.0.0.1:1";

    private TestDb db;
    private DbClient client;
    private CallStore store;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void setUp() throws Exception {
        db = new TestDb();
        Migrations.migrate(db.settings());
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO workspaces (id, name, enabled, created_at) VALUES ('ws_a', 'A', TRUE, CURRENT_TIMESTAMP)");
        }
        client = DbClient.create(Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", db.url(),
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                .addSource(ConfigSources.file(java.nio.file.Path.of("src/main/resources/application.yaml")))
                .build().get("patchbay.db"));
        store = new CallStore(client, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        workers.shutdownNow();
        timers.shutdownNow();
        client.close();
        db.close();
    }

    @Test
    void aCallsHangupIsHandledAfterAnEarlierStepOfItsQueueFailed() throws InterruptedException {
        store.insert(new CallRecord("CA_q1", "ws_a", null, Direction.INBOUND, CallStatus.RINGING, "+15550001111",
                "+15550002222", null, NODE, "tok", new CallRecord.Stream("wss://bot.example/s", "twilio", 8000, null),
                null, null, null, null, null, store.now(), null, null), null, null, "routed");
        store.advance("CA_q1", CallStatus.IN_PROGRESS, "answered");
        BotAttacher failing = (link, call, gone) -> {
            throw new IllegalStateException("the bot cannot be attached");
        };
        CallFlow flow = new CallFlow(store, null, failing, (url, ws, call, token, timeout) -> null, call -> { },
                CallObserver.NONE, new BridgeLeases(store, "r1", Duration.ofSeconds(10)), workers);
        MediaNodeLink link = new MediaNodeLink(NODE, "r1", "", flow, timers, workers);
        try {
            flow.adoptOrphans(link); // queues the re-attach, which throws in the call's own order
            flow.event(link, ControlEvent.newBuilder().setCallId("CA_q1").setHangup(CallHangup.newBuilder()
                    .setCause(HangupCause.CALLER_BYE).setSipStatus(200).setReason("caller hung up")).build());
            Await.until(() -> store.find("CA_q1").orElseThrow().status().terminal(), Duration.ofSeconds(5),
                    () -> "the hang-up queued after the failed re-attach to end the call");
            assertEquals("caller_bye", store.find("CA_q1").orElseThrow().hangupCause());
        } finally {
            link.close();
        }
    }

    @Test
    void anAttendedTransfersStepsLandOnTheCallersRecordNamingTheConsultLeg() throws InterruptedException {
        store.insert(new CallRecord("CA_c1", "ws_a", null, Direction.INBOUND, CallStatus.RINGING, "+15550001111",
                "+15550002222", null, NODE, "tok", new CallRecord.Stream("wss://bot.example/s", "twilio", 8000, null),
                null, null, null, null, null, store.now(), null, null), null, null, "routed");
        CallFlow flow = new CallFlow(store, null, (link, call, gone) -> null, (url, ws, call, token, timeout) -> null, call -> { },
                CallObserver.NONE, new BridgeLeases(store, "r1", Duration.ofSeconds(10)), workers);
        MediaNodeLink link = new MediaNodeLink(NODE, "r1", "", flow, timers, workers);
        try {
            flow.event(link, consult(ConsultStep.CONSULT_STARTED, 0, ConsultCompletion.CONSULT_COMPLETION_UNSPECIFIED, "sip:agent@pbx"));
            flow.event(link, consult(ConsultStep.CONSULT_COMPLETED, 603, ConsultCompletion.MEDIA_BRIDGE, "REFER declined"));
            Await.until(() -> consultEvents().size() >= 2, Duration.ofSeconds(5), () -> "two consult events");
            var events = consultEvents();
            assertEquals(java.util.List.of("consult-started CA_leg1: sip:agent@pbx",
                    "consult-completed CA_leg1 by media_bridge, 603: REFER declined"), events);
        } finally {
            link.close();
        }
    }

    private java.util.List<String> consultEvents() {
        return store.events("CA_c1").stream().filter(e -> e.type().startsWith("consult-")).map(e -> e.type() + " " + e.detail()).toList();
    }

    private static ControlEvent consult(ConsultStep step, int status, ConsultCompletion method, String reason) {
        return ControlEvent.newBuilder().setCallId("CA_c1").setConsult(ConsultProgress.newBuilder().setStep(step)
                .setConsultCallId("CA_leg1").setSipStatus(status).setMethod(method).setReason(reason)).build();
    }
}
