package dev.patchbay.agents;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import dev.patchbay.agents.wallet.Ledger;
import dev.patchbay.agents.wallet.Tariff;
import dev.patchbay.schema.Db;
import dev.patchbay.schema.testing.TestDb;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;

/**
 * A control-plane stand-in for one moment: it reserves wallet money with the real {@link Ledger},
 * as {@code AgentDialer} does before it places a call, ties each reservation to its call where one
 * is named (as the call's transaction does), says so on stdout, and then hangs until it is killed.
 * {@link WalletCrashSweepTest} kills it with SIGKILL between reservation and settlement.
 *
 * <p>Arguments: JDBC URL, session id, workspace id, the instant to stamp, then one call id per
 * reservation ({@code -} for a call never recorded).
 */
public final class ReservingProcess {

    private ReservingProcess() {
    }

    public static void main(String[] args) throws IOException {
        Config config = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.db.connection.url", args[0],
                        "patchbay.db.connection.username", TestDb.USER, "patchbay.db.connection.password", TestDb.PASSWORD)))
                .addSource(ConfigSources.file(Path.of("../control-plane/src/main/resources/application.yaml")))
                .build();
        DbClient db = DbClient.create(config.get("patchbay.db"));
        Ledger ledger = new Ledger(db, Clock.fixed(Instant.parse(args[3]), ZoneOffset.UTC));
        StringBuilder held = new StringBuilder("HELD");
        for (int i = 4; i < args.length; i++) {
            Ledger.Hold hold = ledger.reserve(args[1], args[2], null, new Tariff(125_000, 60), 600, true);
            Ledger.Reservation r = ((Ledger.Hold.Reserved) hold).reservation();
            if (!args[i].equals("-")) {
                String call = args[i];
                Db.inTransaction(db, tx -> {
                    ledger.attach(tx, r.id(), call);
                    return null;
                });
            }
            held.append(' ').append(r.id());
        }
        System.out.println(held);
        System.out.flush();
        // Hang here, between reservation and settlement, until the test kills the process.
        while (System.in.read() >= 0) {
            Thread.onSpinWait();
        }
    }
}
