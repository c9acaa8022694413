package dev.patchbay.control.wss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.patchbay.control.testutil.BotServer;
import org.junit.jupiter.api.Test;

/** The bots' client runs its callbacks on virtual threads, so a busy host cannot grow its platform threads. */
class BotClientsTest {

    @Test
    void aBotsMessagesReachTheListenerOnVirtualThreadsInOrder() throws Exception {
        int messages = 200;
        List<String> got = new CopyOnWriteArrayList<>();
        List<Boolean> virtual = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(messages);
        try (BotServer bot = new BotServer(); HttpClient client = BotClients.webSocketClient(Duration.ofSeconds(2))) {
            WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create(bot.url()), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    virtual.add(Thread.currentThread().isVirtual());
                    got.add(data.toString());
                    all.countDown();
                    w.request(1);
                    return null;
                }
            }).get(5, TimeUnit.SECONDS);
            BotServer.Conn conn = bot.next(Duration.ofSeconds(5));
            for (int i = 0; i < messages; i++) {
                conn.session.send("m" + i, true);
            }
            assertTrue(all.await(10, TimeUnit.SECONDS), "only " + got.size() + " of " + messages + " messages arrived");
            ws.abort();
        }
        assertEquals(messages, got.size());
        for (int i = 0; i < messages; i++) {
            assertEquals("m" + i, got.get(i), "message " + i + " out of order");
        }
        assertTrue(virtual.stream().allMatch(v -> v), "a callback ran on a platform thread: " + virtual);
    }
}
