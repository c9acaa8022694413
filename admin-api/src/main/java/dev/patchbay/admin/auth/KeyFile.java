package dev.patchbay.admin.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.logging.Logger;

import dev.patchbay.startup.StartupException;


/**
 * The local-mode operator key file. Generated once (256 random bits, base64url) and reused on
 * every later start, so scripts and the launcher can read the same key. Its location is logged,
 * its content never is.
 */
public final class KeyFile {

    static final String NAME = "admin-key";

    private static final Logger LOG = Logger.getLogger(KeyFile.class.getName());

    private KeyFile() {
    }

    public static String loadOrCreate(Path file) throws StartupException {
        Path abs = file.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs)) {
                return read(abs);
            }
            Files.createDirectories(abs.getParent());
            String key = generate();
            try (SeekableByteChannel out = Files.newByteChannel(abs,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly())) {
                out.write(ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.US_ASCII)));
            } catch (FileAlreadyExistsException raced) {
                // Another process created it between our check and our write: theirs is the key.
                return read(abs);
            }
            LOG.info(() -> "admin-api generated an operator key in " + abs
                    + " (send its content as Authorization: Bearer <key>)");
            return key;
        } catch (IOException e) {
            throw new StartupException("admin-api cannot create the operator key file " + abs + ": " + e.getMessage()
                    + "; set patchbay.var (env PATCHBAY_VAR) to a writable directory or set PATCHBAY_ADMIN_KEY", e);
        }
    }

    private static String read(Path file) throws IOException, StartupException {
        String key = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (key.isEmpty()) {
            throw new StartupException("the operator key file " + file
                    + " is empty: delete it to generate a new key, or set PATCHBAY_ADMIN_KEY");
        }
        LOG.info(() -> "admin-api uses the operator key in " + file);
        return key;
    }

    private static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }
}
