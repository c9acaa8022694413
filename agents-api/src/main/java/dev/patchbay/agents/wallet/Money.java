package dev.patchbay.agents.wallet;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Amounts in integer micro-units of a currency, so ledger sums are exact; shown rounded to 6 places. */
public final class Money {

    public static final long MICROS = 1_000_000L;

    private Money() {
    }

    public static long micros(double amount) {
        return BigDecimal.valueOf(amount).movePointRight(6).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    public static BigDecimal value(long micros) {
        BigDecimal v = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        // 10 rather than 1E+1: stripping zeros can leave a negative scale, which Jackson writes in E notation.
        return v.scale() < 0 ? v.setScale(0) : v;
    }
}
