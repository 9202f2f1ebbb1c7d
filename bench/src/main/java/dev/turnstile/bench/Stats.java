package dev.turnstile.bench;

import java.util.Arrays;

/** Percentiles of a sample (exact: the sample is sorted). */
record Stats(int count, double p50, double p90, double p99, double max, double mean) {

    /** @param nanos the sample in nanoseconds; the statistics are in milliseconds */
    static Stats ofNanos(long[] nanos) {
        if (nanos.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new Stats(
                sorted.length,
                ms(pick(sorted, 0.50)),
                ms(pick(sorted, 0.90)),
                ms(pick(sorted, 0.99)),
                ms(sorted[sorted.length - 1]),
                sum / sorted.length / 1e6);
    }

    /** The nearest-rank percentile. */
    static long pick(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
