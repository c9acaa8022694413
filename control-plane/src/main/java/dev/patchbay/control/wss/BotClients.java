package dev.patchbay.control.wss;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The HTTP client that opens every bot's WebSocket. Its listener callbacks run on virtual threads: the JDK's
 * default executor is an unbounded cached pool that, on a busy host, starts a platform thread for every callback
 * that finds the others preempted (the one-hour soak at 500 calls saw the control-plane's threads climb from 107
 * to 151 that way). A fixed pool would bound them too, but a bot's command (a consult, a transfer) may wait on
 * the database, and no bot's audio should queue behind another's database write.
 */
public final class BotClients {

    private BotClients() {
    }

    public static HttpClient webSocketClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .executor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("wss-bot-", 0).factory()))
                .build();
    }
}
