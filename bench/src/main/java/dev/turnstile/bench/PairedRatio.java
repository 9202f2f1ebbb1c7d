package dev.turnstile.bench;

/**
 * A throughput ratio A / B of one run, with a 95 % confidence interval from paired slices: A and B
 * ran back to back in each pair (in alternating order), so the load that other processes put on the
 * machine hits both alike. The interval is Student's t over the pairs' log ratios; {@code low} and
 * {@code high} are NaN with fewer than {@link #MIN_PAIRS} pairs (too few for an interval that says anything).
 */
record PairedRatio(double ratio, double low, double high, int pairs) {

    static final int MIN_PAIRS = 5;

    /** Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom. */
    private static final double[] T975 = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
        2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
    };

    /**
     * @param ratio the ratio of the merged throughputs (all of A's calls over all of A's time, the same for B)
     * @param a     A's throughput in each pair
     * @param b     B's throughput in the same pairs
     */
    static PairedRatio of(double ratio, double[] a, double[] b) {
        int n = Math.min(a.length, b.length);
        if (n < MIN_PAIRS) {
            return new PairedRatio(ratio, Double.NaN, Double.NaN, n);
        }
        double[] logs = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            logs[i] = Math.log(a[i] / b[i]);
            mean += logs[i] / n;
        }
        double variance = 0;
        for (double l : logs) {
            variance += (l - mean) * (l - mean) / (n - 1);
        }
        double half = (n - 1 <= T975.length ? T975[n - 2] : 1.96) * Math.sqrt(variance / n);
        return new PairedRatio(ratio, Math.exp(mean - half), Math.exp(mean + half), n);
    }

    /** {@code 0.99× (0.97–1.01)}, or the ratio alone without an interval. */
    String describe() {
        String r = Report.num(ratio, 3) + "×";
        return Double.isNaN(low) ? r : r + " (95 % CI " + Report.num(low, 3) + "–" + Report.num(high, 3) + ")";
    }
}
