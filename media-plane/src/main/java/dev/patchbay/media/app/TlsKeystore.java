package dev.patchbay.media.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.patchbay.media.sip.SipKeystore;
import dev.patchbay.startup.StartupException;

/**
 * The certificate the TLS listener presents. A configured PKCS12 file is used as it is; without one,
 * a self-signed RSA pair is generated once under {@code var/tls/} with the JDK's own keytool, and
 * reused on later starts. Fine for local runs and tests; production configures a real certificate.
 */
public final class TlsKeystore {

    private TlsKeystore() {
    }

    public static SipKeystore resolve(TlsSettings tls) throws StartupException {
        if (!tls.keystore().isEmpty()) {
            Path file = Path.of(tls.keystore());
            if (!Files.isReadable(file)) {
                throw new StartupException("patchbay.sip.tls.keystore (env PATCHBAY_SIP_TLS_KEYSTORE) names " + file
                        + ", which cannot be read; point it at a PKCS12 file with the certificate and RSA key", null);
            }
            return new SipKeystore(file, tls.password());
        }
        Path dir = tls.var().resolve("tls");
        Path file = dir.resolve("sip.p12");
        Path passwordFile = dir.resolve("sip.p12.password");
        try {
            if (Files.exists(file) && Files.exists(passwordFile)) {
                return new SipKeystore(file, Files.readString(passwordFile).strip());
            }
            Files.createDirectories(dir);
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            Files.writeString(passwordFile, password);
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            Files.deleteIfExists(file);
            Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "patchbay", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                    "-dname", "CN=patchbay-local", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", file.toString(), "-storepass", password, "-keypass", password))
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes());
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new StartupException("could not generate a self-signed TLS certificate with keytool: " + output.strip()
                        + "; set patchbay.sip.tls.keystore, or patchbay.sip.tls.port=0 to run without TLS", null);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return new SipKeystore(file, password);
        } catch (IOException e) {
            throw new StartupException("cannot prepare the TLS keystore under " + dir + ": " + e.getMessage()
                    + "; set patchbay.var to a writable directory or patchbay.sip.tls.keystore", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while generating the TLS keystore", e);
        }
    }
}
