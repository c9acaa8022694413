package dev.patchbay.media.app;

import java.nio.file.Path;

import io.helidon.config.Config;

/**
 * SIP over TLS.
 *
 * @param port     the TLS listener, normally 5061; 0 turns TLS off
 * @param keystore a PKCS12 file with the certificate and its RSA key; empty in local mode means
 *                 "generate a self-signed one under {@code var}"
 * @param password the keystore's password
 * @param var      where local mode keeps the generated pair
 */
public record TlsSettings(int port, String keystore, String password, Path var) {

    /** Reads {@code patchbay.sip.tls.*} and {@code patchbay.var}. */
    public static TlsSettings from(Config patchbay) {
        return new TlsSettings(patchbay.get("sip.tls.port").asInt().get(), patchbay.get("sip.tls.keystore").asString().get(),
                patchbay.get("sip.tls.password").asString().get(), Path.of(patchbay.get("var").asString().get()));
    }

    /** The same keystore settings on another port; 0 turns TLS off. */
    public TlsSettings withPort(int other) {
        return new TlsSettings(other, keystore, password, var);
    }

    /** The same settings keeping local state (the generated pair) under {@code dir}. */
    public TlsSettings withVar(Path dir) {
        return new TlsSettings(port, keystore, password, dir);
    }

    public boolean enabled() {
        return port > 0;
    }
}
