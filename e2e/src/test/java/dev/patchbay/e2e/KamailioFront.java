package dev.patchbay.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/kamailio/kamailio.cfg as shipped, run by the real Kamailio inside a network namespace, its
 * dispatcher set listing media hosts by their SIP addresses (1-second OPTIONS probes). Its control
 * socket is a Unix socket, so kamcmd reaches it from the root namespace.
 */
final class KamailioFront implements AutoCloseable {

    private final Path list;
    private final Path ctl;
    private final Process kamailio;

    /** {@code hosts}: name -> SIP host:port of each media host. */
    KamailioFront(Netns netns, String ns, String listen, Path dir, Map<String, String> hosts) throws IOException {
        Path run = Files.createDirectories(dir.resolve("kamailio"));
        list = run.resolve("dispatcher.list");
        ctl = run.resolve("ctl");
        write(hosts);
        Path cfg = Path.of("..", "deploy", "kamailio", "kamailio.cfg").toAbsolutePath();
        kamailio = netns.process(ns, List.of("kamailio", "-DD", "-E", "-f", cfg.toString(),
                        "-A", "SIP_LISTEN=udp:" + listen, "-A", "DISPATCHER_LIST=\"" + list + "\"",
                        "-A", "PING_INTERVAL=1", "-A", "CTL_SOCKET=\"unix:" + ctl + "\"", "-Y", run.toString(),
                        "-P", run.resolve("kamailio.pid").toString(), "-w", run.toString()))
                .redirectErrorStream(true).redirectOutput(run.resolve("kamailio.log").toFile()).start();
    }

    /** An operator changing the hosts: a new dispatcher list, then dispatcher.reload; Kamailio keeps running. */
    void reload(Map<String, String> hosts) throws IOException {
        write(hosts);
        Netns.must("kamcmd", "-s", "unix:" + ctl, "dispatcher.reload");
    }

    /** Whether the probes have marked the host at {@code sipAddress} active (flags A...). */
    boolean active(String sipAddress) {
        Netns.Result r = Netns.exec("kamcmd", "-s", "unix:" + ctl, "dispatcher.list");
        if (r.exit() != 0) {
            return false; // the control socket is not up yet
        }
        Matcher f = Pattern.compile("URI: sip:" + Pattern.quote(sipAddress) + "\\S*\\s+FLAGS: (\\w+)").matcher(r.output());
        return f.find() && f.group(1).startsWith("A");
    }

    private void write(Map<String, String> hosts) throws IOException {
        StringBuilder text = new StringBuilder();
        hosts.forEach((name, sip) -> text.append("1 sip:").append(sip).append(";transport=udp 0 0 name=").append(name).append('\n'));
        Files.writeString(list, text);
    }

    @Override
    public void close() throws InterruptedException {
        kamailio.destroy();
        if (!kamailio.waitFor(10, TimeUnit.SECONDS)) {
            kamailio.destroyForcibly();
        }
    }
}
