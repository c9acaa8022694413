package dev.patchbay.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The process {@link SoakSamplerTest} meters: a small JVM that grows what it is told to, one command a
 * line on stdin, and answers "ok" on stdout once done: "udp N" binds N UDP sockets, "threads N" starts N
 * parked threads, "heap MB" keeps an array of that size, "free" drops it, "close" closes the sockets.
 */
public final class MeteredChild {

    private MeteredChild() {
    }

    public static void main(String[] args) throws Exception {
        List<DatagramSocket> sockets = new ArrayList<>();
        CountDownLatch never = new CountDownLatch(1);
        byte[][] kept = new byte[1][];
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ok");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] cmd = line.split(" ");
            switch (cmd[0]) {
                case "udp" -> {
                    for (int i = 0; i < Integer.parseInt(cmd[1]); i++) {
                        sockets.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
                    }
                }
                case "close" -> {
                    for (DatagramSocket s : sockets) {
                        s.close();
                    }
                    sockets.clear();
                }
                case "threads" -> {
                    for (int i = 0; i < Integer.parseInt(cmd[1]); i++) {
                        Thread.ofPlatform().daemon().start(() -> {
                            try {
                                never.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                    }
                }
                case "heap" -> kept[0] = new byte[Integer.parseInt(cmd[1]) << 20];
                case "free" -> kept[0] = null;
                default -> throw new IllegalArgumentException("unknown command " + line);
            }
            System.out.println("ok");
        }
    }
}
