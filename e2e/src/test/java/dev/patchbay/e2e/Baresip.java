package dev.patchbay.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real baresip user agent (Debian's {@code baresip}, 1.0.0 here), headless: no sound card, no
 * terminal. Audio comes from a generated 8 kHz tone through the {@code aufile} source; the
 * {@code sndfile} filter writes what baresip decoded to {@code dump-*-dec.wav}, so a test can check
 * what it heard. The player is an {@code aubridge} device nobody reads: decoding happens on receipt.
 */
final class Baresip implements AutoCloseable {

    /** One baresip configuration directory, ready to run. */
    record Setup(Path dir, int sipPort) {

        /** TLS listens one above sip_listen's port (baresip's rule). */
        int tlsPort() {
            return sipPort + 1;
        }
    }

    private final Process process;
    private final Path log;
    final Setup setup;

    private Baresip(Setup setup, Process process, Path log) {
        this.setup = setup;
        this.process = process;
        this.log = log;
    }

    /**
     * A config dir with one account. {@code accountParams} follow the account URI, e.g.
     * {@code ;mediaenc=srtp-mand}; {@code certificate} (cert and key, PEM) makes baresip listen on TLS.
     */
    static Setup configure(String user, String accountParams, Path caFile, Path certificate, int sipPort) {
        try {
            Path dir = Files.createTempDirectory("baresip");
            Path tone = dir.resolve("tone.wav");
            Files.write(tone, toneWav(440, 30));
            List<String> config = new ArrayList<>(List.of(
                    "poll_method epoll",
                    "sip_listen 127.0.0.1:" + sipPort,
                    "sip_cafile " + caFile,
                    "call_local_timeout 20",
                    "call_max_calls 1",
                    "audio_source aufile," + tone,
                    "audio_player aubridge,patchbay-null",
                    "audio_alert aubridge,patchbay-null",
                    "rtp_stats yes",
                    "module_path /usr/lib/baresip/modules",
                    "module g711.so",
                    "module aufile.so",
                    "module aubridge.so",
                    "module sndfile.so",
                    "module srtp.so",
                    "module_tmp account.so",
                    "module_app menu.so",
                    "snd_path " + dir));
            if (certificate != null) {
                config.add("sip_certificate " + certificate);
            }
            Files.write(dir.resolve("config"), config);
            Files.writeString(dir.resolve("accounts"), "<sip:" + user + "@127.0.0.1;transport=tls>;regint=0"
                    + ";audio_codecs=PCMU" + accountParams + "\n");
            return new Setup(dir, sipPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs baresip on {@code setup} for {@code seconds} (it then hangs up and quits), executing {@code commands}. */
    static Baresip start(Setup setup, int seconds, String... commands) {
        List<String> argv = new ArrayList<>(List.of("baresip", "-f", setup.dir().toString(), "-n", "127.0.0.1", "-s", "-t", Integer.toString(seconds)));
        for (String c : commands) {
            argv.add("-e");
            argv.add(c);
        }
        Path log = setup.dir().resolve("baresip.log");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new Baresip(setup, p, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run baresip (" + e.getMessage()
                    + "); install it with 'apt-get install baresip' or run ./patchbay doctor", e);
        }
    }

    /** Waits for baresip to quit by itself; false on timeout. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Everything baresip printed so far, SIP trace included. */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** The audio baresip decoded from the far end (sndfile's dump), or null when it wrote none. */
    Path decoded() throws IOException {
        try (var files = Files.list(setup.dir())) {
            return files.filter(f -> f.getFileName().toString().endsWith("-dec.wav")).findFirst().orElse(null);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The certificate of Patchbay's local-mode keystore as PEM, for baresip's sip_cafile. */
    static Path certificatePem(Path p12, Path passwordFile, Path out) throws Exception {
        KeyStore ks = load(p12, passwordFile);
        Files.writeString(out, pem("CERTIFICATE", ks.getCertificate("patchbay").getEncoded()));
        return out;
    }

    /** The same pair, certificate and private key, as baresip's sip_certificate when it is the TLS server. */
    static Path keyPairPem(Path p12, Path passwordFile, Path out) throws Exception {
        KeyStore ks = load(p12, passwordFile);
        char[] password = Files.readString(passwordFile).strip().toCharArray();
        Certificate cert = ks.getCertificate("patchbay");
        Files.writeString(out, pem("CERTIFICATE", cert.getEncoded())
                + pem("PRIVATE KEY", ks.getKey("patchbay", password).getEncoded()));
        return out;
    }

    private static KeyStore load(Path p12, Path passwordFile) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, Files.readString(passwordFile).strip().toCharArray());
        }
        return ks;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** A 16-bit mono 8 kHz WAV of a sine tone at half scale. */
    static byte[] toneWav(int hz, int seconds) {
        int samples = 8000 * seconds;
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (16000 * Math.sin(2 * Math.PI * hz * i / 8000.0)));
        }
        return b.array();
    }
}
