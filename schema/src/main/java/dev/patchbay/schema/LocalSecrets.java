package dev.patchbay.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets that local mode ({@code ./patchbay up}) generates once under {@code var/}, readable by the
 * owner only and shared by the processes started together. Production sets them in config instead.
 */
public final class LocalSecrets {

    private LocalSecrets() {
    }

    /**
     * The file's content, after creating it with {@code prefix} + 32 random bytes (base64url) if it
     * does not exist. Creation is atomic: when two processes race, the first file wins for both.
     *
     * @param remedy the config key to set instead, for the error message
     */
    public static String readOrCreate(Path file, String prefix, String remedy) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                byte[] raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    Files.deleteIfExists(tmp);
                }
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file + "; set " + remedy + " instead", e);
        }
    }
}
