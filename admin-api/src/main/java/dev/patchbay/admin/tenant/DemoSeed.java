package dev.patchbay.admin.tenant;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The local-mode demo: workspace {@code ws_demo} with an echo bot that DID {@code echo} reaches, so
 * {@code sip:echo@127.0.0.1:5060} answers on a fresh machine. It only adds what is missing and
 * never overwrites what an operator changed, so it runs on every start.
 */
public final class DemoSeed {

    public static final String WORKSPACE = "ws_demo";
    public static final String BOT = "bot_echo";
    public static final String DID = "did_echo";
    public static final String NUMBER = "echo";

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
                tx.insertBot(new Bot(BOT, WORKSPACE, "Echo", BotKind.ECHO, null, null, now));
                done.add("bot " + BOT);
            }
            Optional<Did> owner = tx.didByNumber(NUMBER);
            if (owner.isEmpty()) {
                if (tx.insertDid(new Did(DID, WORKSPACE, NUMBER, BOT, now)) == TenantRepository.DidInsert.CREATED) {
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
}
