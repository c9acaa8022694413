package dev.patchbay.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Jib images (profile images, -Dpatchbay.images=true): each tarball's config names the right
 * entrypoint and ports, and, as root, each image's file system is unpacked and its entrypoint run in
 * a chroot as the image's user: the process becomes ready, answers /health, and stops on SIGTERM.
 */
class ImageTest {

    private static final Logger LOG = Logger.getLogger(ImageTest.class.getName());
    static final Repo REPO = Repo.current();
    static final Map<String, String> MAIN = Map.of("media-plane", "dev.patchbay.media.app.MediaPlaneMain",
            "control-plane", "dev.patchbay.control.app.ControlPlaneMain", "admin-api", "dev.patchbay.admin.app.AdminApiMain");

    @BeforeAll
    static void imagesWereBuilt() {
        assumeTrue(Boolean.getBoolean("patchbay.images"),
                "images are built only with -Dpatchbay.images=true (./patchbay test does it as root)");
    }

    record Image(Path tar, JsonNode manifest, JsonNode config) {
    }

    static Image image(String module, Path dir) throws Exception {
        // The control-plane process (and image) is packaged by agents-api, the module it mounts.
        Path tar = REPO.path(("control-plane".equals(module) ? "agents-api" : module) + "/target/jib-image.tar");
        assertTrue(Files.isRegularFile(tar), tar + " is missing: the images profile did not build it");
        assertEquals(0, Processes.run(dir, 120, List.of("tar", "-xf", tar.toString(), "manifest.json", "config.json")).exit());
        ObjectMapper json = new ObjectMapper();
        return new Image(tar, json.readTree(dir.resolve("manifest.json").toFile()).get(0),
                json.readTree(dir.resolve("config.json").toFile()));
    }

    /** The ports each process listens on by default, from its own application.yaml. */
    static Set<String> expectedPorts(String module) throws IOException {
        return switch (module) {
            case "media-plane" -> Set.of(REPO.yamlValue(module, "patchbay.sip.port") + "/udp", REPO.yamlValue(module, "patchbay.sip.port") + "/tcp",
                    REPO.yamlValue(module, "patchbay.sip.tls.port") + "/tcp", REPO.yamlValue(module, "patchbay.grpc.port") + "/tcp",
                    REPO.yamlValue(module, "patchbay.media.observe.port") + "/tcp");
            case "control-plane" -> Set.of(REPO.yamlValue(module, "patchbay.control.server.port") + "/tcp");
            case "admin-api" -> Set.of(REPO.yamlValue(module, "patchbay.admin.server.port") + "/tcp");
            default -> throw new IllegalArgumentException(module);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"media-plane", "control-plane", "admin-api"})
    void configNamesTheEntrypointPortsAndAUserThatIsNotRoot(String module, @TempDir Path dir) throws Exception {
        Image img = image(module, dir);
        assertEquals("patchbay/" + module + ":" + System.getProperty("patchbay.version"), img.manifest().at("/RepoTags/0").asText());
        JsonNode c = img.config().get("config");
        assertEquals(List.of("java", "-XX:MaxRAMPercentage=75", "-cp", "@/app/jib-classpath-file", MAIN.get(module)),
                strings(c.get("Entrypoint")));
        Set<String> ports = new TreeSet<>();
        c.get("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertEquals(new TreeSet<>(expectedPorts(module)), ports);
        assertEquals("65532:65532", c.get("User").asText());
        assertEquals("/var/lib/patchbay", c.get("WorkingDir").asText());
        assertTrue(strings(c.get("Env")).contains("JAVA_HOME=/opt/java/openjdk"), c.get("Env").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"media-plane", "control-plane", "admin-api"})
    void theImageRunsItsEntrypointAsItsUser(String module, @TempDir Path dir) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "unpacking an image and chroot need root");
        Image img = image(module, dir);
        Path root = dir.resolve("rootfs");
        Files.createDirectories(root);
        assertEquals(0, Processes.run(dir, 120, List.of("tar", "-xf", img.tar().toString())).exit());
        for (JsonNode layer : img.manifest().get("Layers")) {
            assertEquals(0, Processes.run(dir, 120, List.of("tar", "-xf", dir.resolve(layer.asText()).toString(), "-C", root.toString())).exit(),
                    () -> "layer " + layer.asText() + " of " + img.tar() + " did not unpack");
        }
        JsonNode c = img.config().get("config");
        // The working directory is a volume in the chart; here it is made as that volume would be.
        Path work = root.resolve(c.get("WorkingDir").asText().substring(1));
        Files.createDirectories(work);
        assertEquals(0, Processes.run(dir, 30, List.of("chown", "-R", c.get("User").asText(), work.toString())).exit());

        int port = freePort();
        List<String> env = new ArrayList<>(strings(c.get("Env")));
        env.addAll(switch (module) {
            case "media-plane" -> List.of("PATCHBAY_SIP_HOST=127.0.0.1", "PATCHBAY_SIP_PORT=" + freePort(), "PATCHBAY_SIP_TLS_PORT=0",
                    "PATCHBAY_GRPC_HOST=127.0.0.1", "PATCHBAY_GRPC_PORT=0", "PATCHBAY_MEDIA_OBSERVE_PORT=" + port);
            case "control-plane" -> List.of("PATCHBAY_CONTROL_SERVER_HOST=127.0.0.1", "PATCHBAY_CONTROL_SERVER_PORT=" + port,
                    "PATCHBAY_CONTROL_MEDIA_NODES=127.0.0.1:" + freePort());
            default -> List.of("PATCHBAY_ADMIN_SERVER_HOST=127.0.0.1", "PATCHBAY_ADMIN_SERVER_PORT=" + port);
        });
        // What a container runtime gives every container: /etc/hosts naming the container's host
        // (H2's AUTO_SERVER resolves it), /proc (the loader finds libjli through /proc/self/exe) and
        // /dev. The mounts are made in a private mount namespace of the process's own, so they are
        // invisible to this JVM (the temp dir's deletion never reaches the host's /dev) and vanish
        // with the process. unshare, sh, chroot and env all exec: the Process is the JVM itself.
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost " + host + "\n");
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                "mount -t proc proc \"$0/proc\" && mount --rbind /dev \"$0/dev\" && exec chroot \"$@\"", root.toString(),
                "--userspec=" + c.get("User").asText(), root.toString(), "/usr/bin/env", "-i"));
        cmd.addAll(env);
        cmd.addAll(List.of("/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", c.get("WorkingDir").asText()));
        cmd.addAll(strings(c.get("Entrypoint")));
        Path log = dir.resolve("out.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.readString(log).contains(module + " ready")) {
                assertTrue(p.isAlive(), () -> module + " image exited " + p.exitValue() + ": " + read(log));
                assertTrue(System.nanoTime() < deadline, () -> module + " not ready in 90 s: " + read(log));
                p.waitFor(100, TimeUnit.MILLISECONDS);
            }
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM, to the JVM itself
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> module + " ignored SIGTERM: " + read(log));
            LOG.info(module + " image: ready, /health 200, exit " + p.exitValue() + " "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms after SIGTERM");
            // The media-plane drains on SIGTERM and exits 0; the others end by the JVM's default, 143.
            assertEquals("media-plane".equals(module) ? 0 : 143, p.exitValue(), () -> read(log));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return udp.getLocalPort();
            } catch (IOException taken) {
                // UDP side taken: try another
            }
        }
        throw new IOException("no port free for both UDP and TCP on loopback");
    }
}
