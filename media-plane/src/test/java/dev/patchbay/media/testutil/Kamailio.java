package dev.patchbay.media.testutil;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real registrar for tests: Debian's Kamailio with its registrar, usrloc and auth modules, run in
 * the foreground from a config written to a temporary directory. REGISTER is challenged (digest with
 * the given algorithm, one user with a plain-text password checked by pv_www_authenticate) and saved
 * in memory; an INVITE for a registered user is relayed to its Contact, as a carrier or PBX would, and
 * so are a test caller's ACK and BYE sent to the user's address.
 *
 * @param minExpires      registrar min_expires; with {@code reply423} a shorter Expires gets 423 Min-Expires
 * @param maxExpires      registrar max_expires: a longer Expires is granted only this long
 */
public final class Kamailio implements AutoCloseable {

    public record Options(String user, String password, String algorithm, int minExpires, int maxExpires, boolean reply423) { }

    private final Process process;
    private final Path dir;
    public final int port;

    private Kamailio(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static Kamailio start(Options o) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kamailio");
        int port = Ports.freeUdpAndTcp();
        String cfg = """
                #!KAMAILIO
                debug=2
                log_stderror=yes
                children=1
                tcp_children=1
                auto_aliases=no
                listen=udp:127.0.0.1:%1$d
                listen=tcp:127.0.0.1:%1$d
                alias="127.0.0.1:%1$d"
                mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
                loadmodule "kex.so"
                loadmodule "tm.so"
                loadmodule "sl.so"
                loadmodule "pv.so"
                loadmodule "xlog.so"
                loadmodule "textops.so"
                loadmodule "siputils.so"
                loadmodule "maxfwd.so"
                loadmodule "usrloc.so"
                loadmodule "registrar.so"
                loadmodule "auth.so"
                modparam("usrloc", "db_mode", 0)
                modparam("registrar", "min_expires", %2$d)
                modparam("registrar", "max_expires", %3$d)
                modparam("registrar", "min_expires_mode", %4$d)
                modparam("auth", "algorithm", "%5$s")
                request_route {
                    if (is_method("REGISTER")) {
                        xlog("L_INFO", "REGISTER from $si:$sp contact $ct expires $hdr(Expires) auth $hdr(Authorization)\\n");
                        if (!pv_www_authenticate("$td", "%7$s", "0")) {
                            www_challenge("$td", "0");
                            exit;
                        }
                        if ($au != "%6$s") {
                            sl_send_reply("403", "Forbidden user");
                            exit;
                        }
                        if (!save("location")) {
                            sl_reply_error();
                        }
                        exit;
                    }
                    if (is_method("INVITE|ACK|BYE|CANCEL")) {
                        # No Record-Route: a test caller sends its in-dialog requests to the registrar
                        # with the user's address, and they are looked up like the INVITE.
                        if (uri == myself && !lookup("location")) {
                            if (!is_method("ACK")) {
                                sl_send_reply("404", "Not registered");
                            }
                            exit;
                        }
                        t_relay();
                        exit;
                    }
                    sl_send_reply("405", "Not here");
                }
                """.formatted(port, o.minExpires(), o.maxExpires(), o.reply423() ? 1 : 0, o.algorithm(), o.user(),
                o.password().replace("\"", "\\\""));
        Path file = dir.resolve("kamailio.cfg");
        Files.writeString(file, cfg, StandardCharsets.UTF_8);
        Path log = dir.resolve("kamailio.log");
        Process p = new ProcessBuilder(List.of("kamailio", "-f", file.toString(), "-DD", "-E", "-Y", dir.toString(),
                "-m", "32", "-M", "8"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Kamailio k = new Kamailio(p, dir, port);
        Await.until(() -> !p.isAlive() || bound(port), Duration.ofSeconds(10), "kamailio to listen on " + port);
        if (!p.isAlive()) {
            throw new IllegalStateException("kamailio exited: " + k.log());
        }
        return k;
    }

    private static boolean bound(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Everything Kamailio logged so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("kamailio.log"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** How many REGISTER requests reached it, challenged ones included. */
    public long registers() {
        return log().lines().filter(l -> l.contains("REGISTER from")).count();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Its config, log and runtime files would otherwise pile up in /tmp, one folder per test.
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: a folder left behind is only litter
        }
    }
}
