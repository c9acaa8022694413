package dev.patchbay.admin.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.patchbay.admin.call.CallSummary;
import dev.patchbay.admin.config.LiveFeedConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub's bound per client, driven tick by tick (its thread is not started): a client that stops reading
 * is dropped once {@code client-buffer} snapshots wait for it, and a reading client is untouched. The live
 * calls come from a list rather than the database, and the media round from a map: what is under test is
 * the queueing, which LiveCallsStreamTest cannot reach (a socket's buffers hold thousands of snapshots).
 */
class LiveCallsHubTest {

    private static final Instant T0 = Instant.parse("2026-12-08T03:00:00Z");
    private static final CallSummary CALL = new CallSummary("CA1", "ws_a", "bot_a", "inbound", "in-progress", "+442079460099",
            "+15550100", "127.0.0.1:9090", null, null, null, null, T0, T0, null);

    @Test
    void aClientThatStopsReadingIsDroppedAfterItsBufferAndAReadingOneKeepsGoing() throws Exception {
        LiveFeedConfig config = new LiveFeedConfig(Duration.ofMillis(500), Duration.ofMillis(300), 3, 60);
        LiveMedia media = new LiveMedia("PCMU", 20, 2.5, 1.0, 4.3);
        try (LiveCallsHub hub = new LiveCallsHub(ws -> List.of(CALL), calls -> Map.of("CA1", media), config,
                Clock.fixed(T0, ZoneOffset.UTC))) {
            LiveCallsWatcher reader = hub.watch(null);
            LiveCallsWatcher stalled = hub.watch("ws_a");
            for (int i = 0; i < 3; i++) {
                hub.tick();
                assertNotNull(reader.next(Duration.ZERO), "the reading client's snapshot " + i);
            }
            assertEquals(LiveCallsWatcher.End.NONE, stalled.ended(), "three snapshots waiting fill, not overflow, its buffer");
            hub.tick();
            assertEquals(LiveCallsWatcher.End.TOO_SLOW, stalled.ended(), "the fourth finds the buffer full");
            assertNull(stalled.next(Duration.ZERO), "a dropped client gets nothing more");
            assertEquals(1, hub.watching(), "only the reading client is still fed");
            String snapshot = reader.next(Duration.ZERO);
            assertTrue(snapshot.contains("\"codec\":\"PCMU\"") && snapshot.contains("\"mos\":4.3"), snapshot);
            hub.close();
            assertEquals(LiveCallsWatcher.End.STOPPING, reader.ended(), "closing the hub ends every stream");
        }
    }

    @Test
    void theMosIsTheAgentsApisEModelOfTheNodesLossAndJitter() {
        var r = dev.patchbay.proto.media.v1.CallStatsResponse.newBuilder()
                .setStats(dev.patchbay.proto.media.v1.RtpStats.newBuilder().setPacketsExpected(200).setPacketsLost(-3)
                        .setJitterMs(0)).build();
        LiveMedia clean = LiveMedia.of(r, 60);
        assertNull(clean.codec(), "a node before contract v1.11 names no codec");
        assertEquals(0.0, clean.lossPct(), "duplicates (negative loss) are no loss");
        // R = 93.2 - 0.024 * (60 + 10) = 91.52 -> MOS 4.37 (G.107 Annex B).
        assertEquals(4.37, clean.mos(), 1e-9);
        LiveMedia lossy = LiveMedia.of(r.toBuilder().setStats(r.getStats().toBuilder().setPacketsLost(10).setJitterMs(20)).build(), 60);
        assertEquals(5.0, lossy.lossPct(), 1e-9);
        // 5% loss, 20 ms jitter: R = 93.2 - 0.024 * 110 - 95 * 5 / (5 + 25.1) = 74.78 -> MOS 3.81.
        assertEquals(3.81, lossy.mos(), 1e-9);
        assertNull(LiveMedia.of(r.toBuilder().setStats(r.getStats().toBuilder().setPacketsExpected(0)).build(), 60).mos(),
                "no packets yet, no estimate");
    }
}
