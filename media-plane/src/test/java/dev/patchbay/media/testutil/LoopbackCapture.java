package dev.patchbay.media.testutil;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * tcpdump on loopback, for UDP to a set of ports: the kernel stamps each datagram as it passes, so
 * timing checks see when packets were really sent, however late the test's own threads ran. Needs
 * tcpdump and the right to capture (root; {@code ./patchbay test} installs tcpdump).
 */
public final class LoopbackCapture implements AutoCloseable {

    private final Process tcpdump;
    private final Path file;
    private final StringBuffer said;

    private LoopbackCapture(Process tcpdump, Path file, StringBuffer said) {
        this.tcpdump = tcpdump;
        this.file = file;
        this.said = said;
    }

    /** Starts capturing UDP sent to any of {@code ports}; returns once tcpdump is listening. */
    public static LoopbackCapture udpTo(List<Integer> ports) throws IOException, InterruptedException {
        Path file = Files.createTempFile("patchbay-capture", ".pcap");
        String filter = "udp and (" + ports.stream().map(p -> "dst port " + p).collect(Collectors.joining(" or ")) + ")";
        Process p;
        try {
            p = new ProcessBuilder("tcpdump", "-i", "lo", "-n", "-U", "--immediate-mode", "-Z", "root", "-s", "256", "-w", file.toString(), filter).start();
        } catch (IOException e) {
            throw new IOException("tcpdump is needed to time packets in the kernel: apt-get install tcpdump (./patchbay test does)", e);
        }
        CompletableFuture<String> listening = new CompletableFuture<>();
        StringBuffer said = new StringBuffer();
        Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    said.append(line).append('\n');
                    if (line.contains("listening on")) {
                        listening.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            listening.completeExceptionally(new IOException("tcpdump stopped: " + said));
        });
        try {
            listening.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("tcpdump did not start capturing on lo (root needed): " + e.getMessage(), e);
        }
        return new LoopbackCapture(p, file, said);
    }

    /** Stops the capture and returns every datagram captured, with kernel timestamps. */
    public List<PcapReader.Datagram> stop() throws IOException, InterruptedException {
        tcpdump.destroy(); // SIGTERM: tcpdump flushes and closes the file
        if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
            tcpdump.destroyForcibly();
        }
        List<PcapReader.Datagram> captured = PcapReader.udpPayloads(file);
        if (captured.isEmpty()) {
            throw new IOException("tcpdump captured nothing into " + file + ": " + said);
        }
        return new ArrayList<>(captured);
    }

    @Override
    public void close() throws IOException {
        tcpdump.destroyForcibly();
    }
}
