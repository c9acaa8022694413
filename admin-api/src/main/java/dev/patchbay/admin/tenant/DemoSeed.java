package dev.patchbay.admin.tenant;

import dev.patchbay.admin.ids.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The local-mode demo: workspace {@code ws_demo} with an echo bot that DID {@code echo} reaches, so
 * {@code sip:echo@127.0.0.1:5060} answers on a fresh machine. It only adds what is missing and
 * never overwrites what an operator changed, so it runs on every start. It also keeps a working
 * provider API key for {@code ws_demo} in {@code <patchbay.var>/demo-api-key}, so a fresh
 * {@code ./patchbay up} can place calls through the control-plane at once.
 */
public final class DemoSeed {

    public static final String WORKSPACE = "ws_demo";
    public static final String BOT = "bot_echo";
    public static final String DID = "did_echo";
    public static final String NUMBER = "echo";
    /** The file under {@code patchbay.var} that holds the demo API key as {@code <id>.<secret>}. */
    public static final String API_KEY_FILE = "demo-api-key";
    static final String API_KEY_NAME = "Demo (./patchbay up)";

    private static final Logger LOG = Logger.getLogger(DemoSeed.class.getName());

    private DemoSeed() {
    }

    /** Adds whatever part of the demo is missing, in one transaction. */
    public static void ensure(TenantRepository repo, Clock clock) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<String> added = repo.inTransaction(tx -> {
            List<String> done = new ArrayList<>();
            if (tx.workspace(WORKSPACE).isEmpty()) {
                tx.insertWorkspace(new Workspace(WORKSPACE, "Demo", true, now));
                done.add("workspace " + WORKSPACE);
            }
            if (tx.bot(WORKSPACE, BOT).isEmpty()) {
                tx.insertBot(new Bot(BOT, WORKSPACE, "Echo", BotKind.ECHO, null, null, 8000, Map.of(), BotTimeouts.NONE,
                        EarlyMediaChoice.NONE, now));
                done.add("bot " + BOT);
            }
            Optional<Did> owner = tx.didByNumber(NUMBER);
            if (owner.isEmpty()) {
                if (tx.insertDid(new Did(DID, WORKSPACE, NUMBER, BOT, null, now)) == TenantRepository.DidInsert.CREATED) {
                    done.add("DID " + NUMBER);
                }
            } else if (!owner.get().id().equals(DID)) {
                LOG.warning(() -> "demo seed: number '" + NUMBER + "' already belongs to " + owner.get().id()
                        + " in workspace " + owner.get().workspaceId() + ", so sip:" + NUMBER + "@ reaches that bot instead");
            }
            return done;
        });
        if (!added.isEmpty()) {
            LOG.info(() -> "demo seed added " + String.join(", ", added));
        }
    }

    /**
     * Makes {@code file} hold a working API key of {@code ws_demo}. Only the key's hash is in the
     * database, so a key whose file is gone (or a file left from another database) cannot be
     * recovered: then a new key is issued and the file replaced. The key is stored and the file
     * written in one transaction, so a failed write leaves no key that nobody holds.
     */
    public static void ensureApiKey(TenantRepository repo, Clock clock, Ids ids, Secrets secrets, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (holdsWorkingKey(repo, clock, abs)) {
            LOG.info(() -> "demo API key for " + WORKSPACE + " is in " + abs
                    + " (send its content to the control-plane as Authorization: Bearer <key>)");
            return;
        }
        IssuedApiKey issued = AccessService.issue(ids, secrets, KeyScope.PROVIDER, WORKSPACE, API_KEY_NAME, AccessService.now(clock));
        repo.inTransaction(tx -> {
            tx.insertApiKey(issued.key());
            writeOwnerOnly(abs, issued.token());
            return null;
        });
        LOG.info(() -> "demo seed added API key " + issued.key().id() + " for " + WORKSPACE + " in " + abs
                + " (send its content to the control-plane as Authorization: Bearer <key>)");
    }

    private static boolean holdsWorkingKey(TenantRepository repo, Clock clock, Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        String token;
        try {
            token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        String secret = token.substring(dot + 1);
        return repo.apiKey(WORKSPACE, KeyScope.PROVIDER, token.substring(0, dot))
                .filter(k -> k.liveAt(clock.instant()) && k.secretSha256().equals(Secrets.sha256Hex(secret)))
                .isPresent();
    }

    /** Written beside the target and moved over it, so a reader never sees half a key and the mode is 0600 from the start. */
    private static void writeOwnerOnly(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), API_KEY_FILE, ".tmp", ownerOnly());
            try {
                Files.writeString(tmp, content + "\n", StandardCharsets.US_ASCII);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo API key file " + file, e);
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }
}
