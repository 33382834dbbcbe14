package dev.verdict.bank.chaos.report;

import dev.verdict.bank.chaos.history.Call;
import dev.verdict.bank.chaos.history.Op;
import dev.verdict.bank.chaos.history.Outcome;
import dev.verdict.bank.chaos.history.Result;
import dev.verdict.bank.chaos.history.TxReading;
import dev.verdict.bank.chaos.nemesis.FaultKind;
import dev.verdict.bank.chaos.nemesis.FaultWindow;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A PNG in the manner of Jepsen's bank plots: transfer throughput by outcome over time above, every audit's total
 * below (red where it differs from the seeded total), with the fault windows shaded across both, one colour per
 * kind. Plain Java2D and ImageIO, headless.
 */
public final class BankPlot {

    private static final int WIDTH = 1400;
    private static final int HEIGHT = 820;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final Color COMMITTED = new Color(0x2e7d32);
    private static final Color ABORTED = new Color(0xef6c00);
    private static final Color UNKNOWN = new Color(0x6a1b9a);
    private static final Color BAD = new Color(0xd50000);
    private static final Map<FaultKind, Color> FAULT_COLORS = new EnumMap<>(FaultKind.class);

    static {
        Color[] palette = {new Color(0xe53935), new Color(0xfb8c00), new Color(0x8e24aa), new Color(0x3949ab),
                new Color(0x00897b), new Color(0x43a047), new Color(0x6d4c41), new Color(0xc0ca33),
                new Color(0x039be5), new Color(0xd81b60)};
        for (FaultKind kind : FaultKind.values()) {
            FAULT_COLORS.put(kind, palette[kind.ordinal() % palette.length]);
        }
    }

    private BankPlot() {
    }

    public static void write(Path file, String title, List<Op> ops, List<FaultWindow> faults, long expectedTotal) {
        BufferedImage image = render(title, ops, faults, expectedTotal);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BufferedImage render(String title, List<Op> ops, List<FaultWindow> faults, long expectedTotal) {
        long end = 1;
        for (Op op : ops) {
            end = Math.max(end, op.completed() ? op.completedAt() : op.invokedAt());
        }
        for (FaultWindow f : faults) {
            end = Math.max(end, f.healedAt());
        }
        double endSeconds = end / 1e9;
        double bucket = Math.max(1.0, Math.ceil(endSeconds / 300.0));
        int buckets = (int) Math.ceil(endSeconds / bucket) + 1;
        double[] committed = new double[buckets];
        double[] aborted = new double[buckets];
        double[] unknown = new double[buckets];
        List<double[]> audits = new ArrayList<>(); // {time, total, bad}
        for (Op op : ops) {
            if (op.call() instanceof Call.Transfer && op.completed()) {
                int b = (int) (op.completedAt() / 1e9 / bucket);
                Result.Transfer r = op.transferResult();
                if (op.outcome() == Outcome.OK && r != null && r.state() == TxReading.COMMITTED) {
                    committed[b] += 1 / bucket;
                } else if (op.outcome() == Outcome.OK) {
                    aborted[b] += 1 / bucket;
                } else if (op.outcome() == Outcome.INFO) {
                    unknown[b] += 1 / bucket;
                }
            } else if (op.call() instanceof Call.Audit && op.outcome() == Outcome.OK
                    && op.result() instanceof Result.Audit a) {
                boolean bad = a.total() != expectedTotal || a.negative()
                        || a.balances().values().stream().anyMatch(v -> v < 0);
                audits.add(new double[] {op.completedAt() / 1e9, a.total(), bad ? 1 : 0});
            }
        }

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(title, LEFT, 30);

            int plotWidth = WIDTH - LEFT - RIGHT;
            Panel top = new Panel(LEFT, 60, plotWidth, 380, 0, endSeconds);
            Panel bottom = new Panel(LEFT, 490, plotWidth, 220, 0, endSeconds);

            double maxRate = 1;
            for (int i = 0; i < buckets; i++) {
                maxRate = Math.max(maxRate, Math.max(committed[i], Math.max(aborted[i], unknown[i])));
            }
            top.yMin = 0;
            top.yMax = niceCeiling(maxRate * 1.1);
            double lo = expectedTotal;
            double hi = expectedTotal;
            for (double[] a : audits) {
                lo = Math.min(lo, a[1]);
                hi = Math.max(hi, a[1]);
            }
            double pad = Math.max(1, (hi - lo) * 0.15 + Math.abs(expectedTotal) * 0.0005);
            bottom.yMin = lo - pad;
            bottom.yMax = hi + pad;

            EnumSet<FaultKind> seen = EnumSet.noneOf(FaultKind.class);
            for (FaultWindow f : faults) {
                seen.add(f.kind());
                Color c = FAULT_COLORS.get(f.kind());
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 50));
                for (Panel p : List.of(top, bottom)) {
                    int x0 = p.x(f.startedAt() / 1e9);
                    int x1 = Math.max(x0 + 1, p.x(f.healedAt() / 1e9));
                    g.fillRect(x0, p.top, x1 - x0, p.height);
                }
            }

            top.axes(g, "transfers / s", "%.0f");
            bottom.axes(g, "audit total", "%.0f");
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.DARK_GRAY);
            g.drawString("time (s)", LEFT + plotWidth / 2 - 20, bottom.top + bottom.height + 35);

            g.setStroke(new BasicStroke(1.6f));
            series(g, top, committed, bucket, COMMITTED);
            series(g, top, aborted, bucket, ABORTED);
            series(g, top, unknown, bucket, UNKNOWN);

            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            int yExpected = bottom.y(expectedTotal);
            g.drawLine(bottom.left, yExpected, bottom.left + bottom.width, yExpected);
            for (double[] a : audits) {
                g.setColor(a[2] > 0 ? BAD : new Color(0x1565c0));
                int size = a[2] > 0 ? 7 : 4;
                g.fillOval(bottom.x(a[0]) - size / 2, bottom.y(a[1]) - size / 2, size, size);
            }

            // legend
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int lx = LEFT;
            int ly = 760;
            lx = legend(g, lx, ly, COMMITTED, "committed", false);
            lx = legend(g, lx, ly, ABORTED, "aborted", false);
            lx = legend(g, lx, ly, UNKNOWN, "unknown", false);
            lx = legend(g, lx, ly, new Color(0x1565c0), "audit total", false);
            legend(g, lx, ly, BAD, "audit total wrong", false);
            lx = LEFT;
            ly = 785;
            for (FaultKind kind : seen) {
                if (lx > WIDTH - 260) {
                    lx = LEFT;
                    ly += 20;
                }
                lx = legend(g, lx, ly, FAULT_COLORS.get(kind), kind.name().toLowerCase(Locale.ROOT), true);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static int legend(Graphics2D g, int x, int y, Color color, String label, boolean shaded) {
        g.setColor(shaded ? new Color(color.getRed(), color.getGreen(), color.getBlue(), 90) : color);
        g.fillRect(x, y - 10, 14, 12);
        g.setColor(Color.BLACK);
        g.drawString(label, x + 18, y);
        return x + 30 + g.getFontMetrics().stringWidth(label);
    }

    private static void series(Graphics2D g, Panel p, double[] values, double bucket, Color color) {
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < values.length; i++) {
            double x = p.x((i + 0.5) * bucket);
            double y = p.y(values[i]);
            if (i == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        g.setColor(color);
        g.draw(path);
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** A plotting area mapping data to pixels. */
    private static final class Panel {
        final int left;
        final int top;
        final int width;
        final int height;
        final double xMin;
        final double xMax;
        double yMin;
        double yMax;

        Panel(int left, int top, int width, int height, double xMin, double xMax) {
            this.left = left;
            this.top = top;
            this.width = width;
            this.height = height;
            this.xMin = xMin;
            this.xMax = xMax;
        }

        int x(double v) {
            return left + (int) Math.round((v - xMin) / (xMax - xMin) * width);
        }

        int y(double v) {
            return top + height - (int) Math.round((v - yMin) / (yMax - yMin) * height);
        }

        void axes(Graphics2D g, String label, String format) {
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(left, top, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int i = 0; i <= 5; i++) {
                double v = yMin + (yMax - yMin) * i / 5;
                int y = y(v);
                g.setColor(new Color(0xdddddd));
                g.drawLine(left + 1, y, left + width - 1, y);
                g.setColor(Color.BLACK);
                String text = String.format(Locale.ROOT, format, v);
                g.drawString(text, left - 8 - g.getFontMetrics().stringWidth(text), y + 4);
            }
            double step = niceCeiling((xMax - xMin) / 10);
            for (double t = 0; t <= xMax; t += step) {
                int x = x(t);
                g.drawLine(x, top + height, x, top + height + 4);
                String text = String.format(Locale.ROOT, "%.0f", t);
                g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, top + height + 17);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(label, -(top + height / 2 + g.getFontMetrics().stringWidth(label) / 2), left - 62);
            rotated.dispose();
        }
    }
}
