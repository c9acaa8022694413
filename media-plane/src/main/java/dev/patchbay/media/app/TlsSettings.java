package dev.patchbay.media.app;

import java.nio.file.Path;

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

    public static final TlsSettings DISABLED = new TlsSettings(0, "", "", Path.of("var"));

    public boolean enabled() {
        return port > 0;
    }
}
