package dev.patchbay.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.media.testutil.Await;
import dev.patchbay.media.testutil.Ports;
import dev.patchbay.media.testutil.Sipp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: concurrent calls of one wallet each reserve their worst case, so a wallet that covers
 * 10 calls places exactly 10 of 50 racing initiates and refuses 40 with 402, and after the calls
 * end the balance is exact. Real media-plane, SIPp far end, admin-api grant, PostgreSQL.
 */
class WalletConcurrencyE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WS = "ws_wallet_race";
    private static Gateway gw;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = new Gateway(Map.of("patchbay.agents.calls-per-hour", "100"));
        key = gw.workspaceWithKey(WS, true);
        gw.awaitConnected(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void fiftyRacingInitiatesAgainstTenCallsOfBalancePlaceExactlyTen() throws Exception {
        int port = Ports.freeUdpAndTcp();
        gw.trunk(WS, port);
        Path dir = Sipp.workDir();
        Process far = Sipp.start(dir, List.of("-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", "10"));
        try {
            JsonNode session = JSON.readTree(gw.http("POST", "/api/v1/sessions/create", key, "{\"session_type\":\"guest\","
                    + "\"user_consent\":{\"calling_authorized\":true,\"currency\":\"USD\"}}", "X-Agent-ID", "racer").body());
            String sid = session.get("session_id").asText();
            // A 60 s call to +1 mobile reserves 0.125: 1.30 covers ten of them, with 0.05 over.
            gw.grant(WS, sid, "1.30", "race-grant");
            String initiate = "{\"session_id\":\"" + sid + "\",\"to_number\":\"+14155551234\",\"from_number\":\"+12025551000\","
                    + "\"call_settings\":{\"max_duration\":60}}";

            int n = 50;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit((Callable<HttpResponse<String>>) () -> {
                    go.await();
                    return gw.http("POST", "/api/v1/calls/initiate", key, initiate, "X-Agent-ID", "racer");
                }));
            }
            go.countDown();
            List<String> placed = new ArrayList<>();
            int refused = 0;
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 201) {
                    placed.add(JSON.readTree(r.body()).get("call_id").asText());
                } else {
                    assertEquals(402, r.statusCode(), r.body());
                    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
                    refused++;
                }
            }
            pool.shutdown();
            assertEquals(10, placed.size(), "exactly the calls the balance covers are placed");
            assertEquals(40, refused);
            assertEquals("10", gw.sqlValue("SELECT COUNT(*) FROM agent_calls WHERE session_id = '" + sid + "'"),
                    "no refused initiate left a call behind");
            assertEquals("50000", account(sid, "available"), "0.05 is all that is not held");
            assertEquals("1250000", account(sid, "reserved"));

            for (String id : placed) {
                Await.until(() -> gw.eventTypes(id).contains("in-progress"), Duration.ofSeconds(20), "call " + id + " answered");
            }
            for (String id : placed) {
                HttpResponse<String> ended = gw.http("DELETE", "/api/v1/calls/" + id, key, null, "X-Agent-ID", "racer");
                assertEquals(200, ended.statusCode(), ended.body());
                assertEquals(0.125, JSON.readTree(ended.body()).get("cost").get("amount").asDouble(), ended.body());
            }
            Sipp.Result sipp = Sipp.await(far, dir);
            assertEquals(0, sipp.exitCode(), "the far end got exactly ten calls: " + sipp.output());

            Await.until(() -> "0".equals(account(sid, "reserved")), Duration.ofSeconds(10), "every call settled");
            // Ten calls of one started minute at 0.125: 1.30 - 1.25 = 0.05, to the micro-unit.
            assertEquals("50000", account(sid, "available"));
            assertEquals("1250000", account(sid, "spent"));
            assertEquals("-1300000", account(sid, "funding"));
            assertEquals("0", gw.sqlValue("SELECT COUNT(*) FROM (SELECT txn_id FROM wallet_entries WHERE session_id = '" + sid
                    + "' GROUP BY txn_id HAVING SUM(amount_micros) <> 0) unbalanced"), "every transaction balances");
            JsonNode balance = JSON.readTree(gw.http("GET", "/api/v1/wallet/balance?session_id=" + sid, key, null,
                    "X-Agent-ID", "racer").body());
            assertEquals("0.05", balance.get("balance").get("value").asText());
            assertTrue(balance.get("reserved").get("value").asDouble() == 0, balance.toString());
        } finally {
            far.destroy();
        }
    }

    private static String account(String sid, String account) {
        return gw.sqlValue("SELECT balance_micros FROM wallet_accounts WHERE session_id = '" + sid + "' AND account = '"
                + account + "'");
    }
}
