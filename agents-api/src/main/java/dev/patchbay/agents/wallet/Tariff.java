package dev.patchbay.agents.wallet;

/**
 * What a call costs: a per-minute rate in micro-units, charged per started billing increment.
 * Reservations and settlements use the same arithmetic, so a settled call never costs more than
 * its reservation for the same duration.
 *
 * @param microsPerMinute   the destination's price of one minute
 * @param incrementSeconds  calls are billed per started increment (60: per started minute)
 */
public record Tariff(long microsPerMinute, int incrementSeconds) {

    public Tariff {
        if (microsPerMinute < 0 || incrementSeconds < 1) {
            throw new IllegalArgumentException("a tariff needs a rate >= 0 and an increment >= 1 s");
        }
    }

    /** The charge for {@code seconds}: whole increments, a started one counted, at the rate, rounded down to a micro-unit. */
    public long cost(long seconds) {
        return billedSeconds(seconds) * microsPerMinute / 60;
    }

    /** Billed minutes for a duration, a started minute counted. */
    public long minutes(long seconds) {
        return (billedSeconds(seconds) + 59) / 60;
    }

    /**
     * The longest call, in whole increments and at most {@code limitSeconds}, whose cost fits in
     * {@code micros}; 0 when not even one increment (or the limit, if shorter) fits.
     */
    public int affordableSeconds(long micros, int limitSeconds) {
        if (cost(limitSeconds) <= micros) {
            return limitSeconds;
        }
        long most = limitSeconds / incrementSeconds;
        long perIncrement = cost(incrementSeconds);
        long increments = Math.min(most, perIncrement == 0 ? most : micros / perIncrement);
        // cost() rounds the whole call down, so n increments may cost a little more than n times one
        // (rounded down each): step down while it does not fit, then up while the next one does.
        while (increments > 0 && cost(increments * incrementSeconds) > micros) {
            increments--;
        }
        while (increments < most && cost((increments + 1) * incrementSeconds) <= micros) {
            increments++;
        }
        return (int) (increments * incrementSeconds);
    }

    private long billedSeconds(long seconds) {
        return (Math.max(0, seconds) + incrementSeconds - 1) / incrementSeconds * incrementSeconds;
    }
}
