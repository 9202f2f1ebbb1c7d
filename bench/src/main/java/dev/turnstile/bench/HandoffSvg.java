package dev.turnstile.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Draws the hand-off latency distributions as a standalone SVG: for each latency x, the share of
 * hand-offs that took at least x, both axes logarithmic, so that the tail (p99, max) is as
 * readable as the median. Horizontal guides at 50 % (p50) and 1 % (p99), a vertical one at the target.
 */
final class HandoffSvg {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#7f7f7f", "#9467bd"};
    private static final int W = 800;
    private static final int LEFT = 70;
    private static final int RIGHT = 24;
    private static final int TOP = 56;
    private static final int PLOT_H = 320;
    private static final int LEGEND_LINE = 18;

    private HandoffSvg() {}

    /** @param samples label → latencies in nanoseconds, in legend order */
    static String render(Map<String, long[]> samples, double targetMs, String subtitle) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        int most = 1;
        for (long[] s : samples.values()) {
            most = Math.max(most, s.length);
            for (long v : s) {
                lo = Math.min(lo, Math.max(v / 1e6, 0.001));
                hi = Math.max(hi, v / 1e6);
            }
        }
        if (lo > hi) {
            lo = hi = targetMs;
        }
        double minX = Math.floor(Math.log10(Math.min(lo, targetMs)));
        double maxX = Math.ceil(Math.log10(Math.max(hi, targetMs * 1.01)));
        double minY = -Math.ceil(Math.log10(most)); // log10 of the smallest share shown (1/n)
        int plotW = W - LEFT - RIGHT;
        int height = TOP + PLOT_H + 70 + LEGEND_LINE * samples.size();
        Axes axes = new Axes(minX, maxX, minY, plotW);

        StringBuilder svg = new StringBuilder(64 * 1024);
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
                W,
                height,
                W,
                height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(
                svg,
                W / 2.0,
                22,
                "middle",
                15,
                "bold",
                "Hand-off latency: the holder releases → the waiting call of the next turn starts");
        text(svg, W / 2.0, 40, "middle", 11, "normal", subtitle);
        for (double d = minX; d <= maxX; d++) { // vertical grid: 1-9 per decade
            for (int m = 1; m < 10 && Math.log10(m) + d <= maxX + 1e-9; m++) {
                double x = axes.x(m * Math.pow(10, d));
                line(svg, x, TOP, x, TOP + PLOT_H, m == 1 ? "#bbb" : "#eee", null);
                if (m == 1) {
                    text(svg, x, TOP + PLOT_H + 16, "middle", 11, "normal", Report.trimNum(Math.pow(10, d)) + " ms");
                }
            }
        }
        for (double e = 0; e >= minY; e--) { // horizontal grid: 100 %, 10 %, 1 %, ...
            double y = axes.y(Math.pow(10, e));
            line(svg, LEFT, y, LEFT + plotW, y, "#ddd", null);
            text(svg, LEFT - 6, y + 4, "end", 11, "normal", Report.trimNum(100 * Math.pow(10, e)) + " %");
        }
        double y50 = axes.y(0.5);
        double y01 = axes.y(0.01);
        line(svg, LEFT, y50, LEFT + plotW, y50, "#888", "2,3");
        text(svg, LEFT + plotW - 4, y50 - 4, "end", 10, "normal", "p50");
        line(svg, LEFT, y01, LEFT + plotW, y01, "#888", "2,3");
        text(svg, LEFT + plotW - 4, y01 - 4, "end", 10, "normal", "p99");
        double xt = axes.x(targetMs);
        line(svg, xt, TOP, xt, TOP + PLOT_H, "#444", "6,4");
        text(svg, xt + 4, TOP + 14, "start", 10, "normal", "target: p99 ≤ " + Report.trimNum(targetMs) + " ms");
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n",
                LEFT,
                TOP,
                plotW,
                PLOT_H));
        text(svg, LEFT + plotW / 2.0, TOP + PLOT_H + 34, "middle", 12, "normal", "hand-off latency x (log scale)");
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
                        + "transform=\"rotate(-90 18 %.1f)\">share of hand-offs taking x or longer</text>%n",
                TOP + PLOT_H / 2.0,
                TOP + PLOT_H / 2.0));

        int i = 0;
        for (Map.Entry<String, long[]> e : samples.entrySet()) {
            String color = COLORS[i % COLORS.length];
            long[] sorted = e.getValue().clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            svg.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"");
            for (int k = 0; k < n; k++) { // the k-th smallest: a share (n - k) / n took at least this long
                if (k == n - 1 || sorted[k + 1] != sorted[k] || k % Math.max(1, n / 800) == 0) {
                    svg.append(String.format(
                            Locale.ROOT, "%.1f,%.1f ", axes.x(sorted[k] / 1e6), axes.y((double) (n - k) / n)));
                }
            }
            svg.append("\"/>\n");
            Stats s = Stats.ofNanos(e.getValue());
            double ly = TOP + PLOT_H + 60 + LEGEND_LINE * i;
            line(svg, LEFT, ly - 4, LEFT + 24, ly - 4, color, null, 3);
            text(
                    svg,
                    LEFT + 32,
                    ly,
                    "start",
                    12,
                    "normal",
                    String.format(
                            Locale.ROOT,
                            "%s — p50 %s ms · p99 %s ms · max %s ms (n = %d)",
                            e.getKey(),
                            Report.num(s.p50(), 2),
                            Report.num(s.p99(), 2),
                            Report.num(s.max(), 2),
                            s.count()));
            i++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Log-log mapping into the plot area. */
    private record Axes(double minX, double maxX, double minY, int plotW) {
        double x(double ms) {
            double v = Math.log10(Math.max(ms, Math.pow(10, minX)));
            return LEFT + plotW * (v - minX) / (maxX - minX);
        }

        double y(double share) {
            return TOP + PLOT_H * (-Math.log10(share)) / (-minY);
        }
    }

    private static void line(StringBuilder svg, double x1, double y1, double x2, double y2, String color, String dash) {
        line(svg, x1, y1, x2, y2, color, dash, 1);
    }

    private static void line(
            StringBuilder svg, double x1, double y1, double x2, double y2, String color, String dash, int width) {
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%d\"%s/>%n",
                x1,
                y1,
                x2,
                y2,
                color,
                width,
                dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, int size, String weight, String s) {
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
                x,
                y,
                anchor,
                size,
                weight,
                s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")));
    }
}
