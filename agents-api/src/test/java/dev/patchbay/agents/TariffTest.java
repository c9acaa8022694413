package dev.patchbay.agents;

import dev.patchbay.agents.wallet.Tariff;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The arithmetic reservations and settlements share: started increments, rounded down to a micro-unit. */
class TariffTest {

    @Test
    void costsAndAffordableLengthsInWholeIncrements() {
        Tariff perMinute = new Tariff(125_000, 60);
        assertEquals(0, perMinute.cost(0));
        assertEquals(125_000, perMinute.cost(1), "a started minute counts");
        assertEquals(250_000, perMinute.cost(61));
        assertEquals(3, perMinute.minutes(150));
        assertEquals(480, perMinute.affordableSeconds(1_000_000, 3600), "1.00 pays 8 minutes");
        assertEquals(480, perMinute.affordableSeconds(1_124_999, 3600));
        assertEquals(0, perMinute.affordableSeconds(124_999, 3600), "not one minute");
        assertEquals(90, perMinute.affordableSeconds(1_000_000, 90), "the limit when the wallet pays it all");

        // 6-second increments at 0.033333 a minute: one costs 0.003333 (rounded down), ten 0.033333, not 0.03333.
        Tariff perSix = new Tariff(33_333, 6);
        assertEquals(3_333, perSix.cost(6));
        assertEquals(33_333, perSix.cost(60));
        assertEquals(60, perSix.affordableSeconds(33_333, 3600));
        assertEquals(54, perSix.affordableSeconds(33_332, 3600), "ten times one fits 0.033332, ten together do not");
        for (long micros = 0; micros < 200_000; micros += 97) {
            int s = perSix.affordableSeconds(micros, 3600);
            assertEquals(true, perSix.cost(s) <= micros && (s == 3600 || perSix.cost(s + 6) > micros), micros + " -> " + s);
        }
    }
}
