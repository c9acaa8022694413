package dev.patchbay.media.sip;

import java.nio.file.Path;

/**
 * The PKCS12 keystore the SIP TLS listener presents, ready for jain-sip. The app resolves it at start-up
 * ({@code app.TlsKeystore}); it lives here so that sip does not depend on app.
 */
public record SipKeystore(Path file, String password) {
}
