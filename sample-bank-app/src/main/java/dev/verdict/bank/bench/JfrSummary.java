package dev.verdict.bank.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples ({@code jdk.ExecutionSample}) went, in the terms the levers are about: by
 * component (the innermost frame's library: Ratis, gRPC/Netty, Tomcat, Spring web, Jackson, pgjdbc, ...), by
 * Verdict operation (the outermost Verdict or bank frame: which endpoint or driver step the work serves), the
 * hottest methods, and the wall-clock events that explain latency rather than CPU (fsyncs, GC pauses).
 *
 * <p>{@code java -cp <bank jar> ... JfrSummary file.jfr...}, or {@code bench --jfr=<dir>}, which prints it for
 * every recording it made.
 */
public final class JfrSummary {

    /** Innermost-frame package prefixes, most specific first. */
    private static final List<Map.Entry<String, String>> COMPONENTS = List.of(
            Map.entry("org.apache.ratis.thirdparty.io.grpc", "gRPC (Raft transport)"),
            Map.entry("org.apache.ratis.thirdparty.io.netty", "Netty (Raft transport)"),
            Map.entry("org.apache.ratis.thirdparty.com.google.protobuf", "protobuf (Raft)"),
            Map.entry("org.apache.ratis", "Ratis"),
            Map.entry("tools.jackson", "Jackson"),
            Map.entry("com.fasterxml.jackson", "Jackson"),
            Map.entry("org.apache.catalina", "Tomcat"),
            Map.entry("org.apache.coyote", "Tomcat"),
            Map.entry("org.apache.tomcat", "Tomcat"),
            Map.entry("org.springframework.web", "Spring web"),
            Map.entry("org.springframework.http", "Spring web"),
            Map.entry("org.springframework.jdbc", "Spring JDBC"),
            Map.entry("org.springframework.data", "Spring Data"),
            Map.entry("org.springframework", "Spring (other)"),
            Map.entry("org.postgresql", "pgjdbc"),
            Map.entry("com.zaxxer.hikari", "HikariCP"),
            Map.entry("ch.qos.logback", "logging"),
            Map.entry("org.slf4j", "logging"),
            Map.entry("org.apache.logging", "logging"),
            Map.entry("io.github.resilience4j", "Resilience4j"),
            Map.entry("io.micrometer", "Micrometer"),
            Map.entry("jdk.internal.net.http", "JDK HttpClient"),
            Map.entry("sun.nio.ch", "JDK NIO"),
            Map.entry("java.util.concurrent", "JDK concurrency"),
            Map.entry("jdk.internal.misc", "JDK concurrency"),
            Map.entry("java.lang.invoke", "JDK reflection/lambda"),
            Map.entry("java.lang.reflect", "JDK reflection/lambda"),
            Map.entry("jdk.internal.reflect", "JDK reflection/lambda"),
            Map.entry("org.hibernate.validator", "Bean Validation"),
            Map.entry("jakarta.validation", "Bean Validation"),
            Map.entry("dev.verdict.coordinator.txn", "Verdict txn state machine"),
            Map.entry("dev.verdict.coordinator", "Verdict coordinator"),
            Map.entry("dev.verdict.participant", "Verdict starter"),
            Map.entry("dev.verdict.bank", "bank app"),
            Map.entry("java.", "JDK (other)"),
            Map.entry("javax.", "JDK (other)"),
            Map.entry("jdk.", "JDK (other)"),
            Map.entry("sun.", "JDK (other)"));

    private JfrSummary() {
    }

    public static void main(String[] args) throws IOException {
        for (String file : args) {
            System.out.println(summarize(Path.of(file), 15));
        }
    }

    static String summarize(Path file, int top) throws IOException {
        Map<String, Long> components = new HashMap<>();
        Map<String, Long> operations = new HashMap<>();
        Map<String, Long> methods = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long samples = 0;
        long fsyncs = 0;
        long fsyncNanos = 0;
        long gcPauses = 0;
        long gcNanos = 0;
        double cpuSum = 0;
        double machineSum = 0;
        long cpuEvents = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            String type = event.getEventType().getName();
            long at = event.getStartTime().toEpochMilli();
            first = Math.min(first, at);
            last = Math.max(last, at);
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    RecordedStackTrace stack = event.getStackTrace();
                    List<RecordedFrame> frames = stack == null ? List.of() : stack.getFrames();
                    String component = "(no stack)";
                    for (RecordedFrame frame : frames) {
                        if (frame.isJavaFrame()) {
                            component = componentOf(frame.getMethod().getType().getName());
                            break;
                        }
                    }
                    components.merge(component, 1L, Long::sum);
                    if (!frames.isEmpty()) {
                        methods.merge(name(frames.getFirst()), 1L, Long::sum);
                    }
                    operations.merge(operationOf(frames), 1L, Long::sum);
                    if (event.getThread("sampledThread") != null) {
                        threads.merge(threadGroup(event.getThread("sampledThread").getJavaName()), 1L, Long::sum);
                    }
                }
                case "jdk.FileForce" -> {
                    fsyncs++;
                    fsyncNanos += event.getDuration().toNanos();
                }
                case "jdk.GCPhasePause" -> {
                    gcPauses++;
                    gcNanos += event.getDuration().toNanos();
                }
                case "jdk.CPULoad" -> {
                    cpuSum += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                    machineSum += event.getFloat("machineTotal");
                    cpuEvents++;
                }
                default -> {
                }
            }
        }
        StringBuilder out = new StringBuilder();
        double seconds = first == Long.MAX_VALUE ? 0 : (last - first) / 1000.0;
        out.append(String.format(Locale.ROOT, "== %s: %.0f s, %d CPU samples", file.getFileName(), seconds, samples));
        if (cpuEvents > 0) {
            out.append(String.format(Locale.ROOT, ", this JVM %.0f%% of the machine's CPU, machine %.0f%% busy",
                    100 * cpuSum / cpuEvents, 100 * machineSum / cpuEvents));
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "   fsync (jdk.FileForce): %d, %.0f ms in all; GC pauses: %d, %.0f ms%n",
                fsyncs, fsyncNanos / 1e6, gcPauses, gcNanos / 1e6));
        out.append(table("by component (innermost library frame)", components, samples, top));
        out.append(table("by Verdict operation (outermost Verdict/bank frame)", operations, samples, top));
        out.append(table("by thread", threads, samples, top));
        out.append(table("hottest methods (self)", methods, samples, top));
        return out.toString();
    }

    static String componentOf(String className) {
        for (Map.Entry<String, String> component : COMPONENTS) {
            if (className.startsWith(component.getKey())) {
                return component.getValue();
            }
        }
        return "other: " + className.replaceAll("\\.[A-Z].*", "");
    }

    /** The outermost frame of Verdict or the bank app: what the sampled work is for. */
    static String operationOf(List<RecordedFrame> frames) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            RecordedFrame frame = frames.get(i);
            if (!frame.isJavaFrame()) {
                continue;
            }
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("dev.verdict.") && !type.contains("$$")) {
                return name(frame);
            }
        }
        String outermost = frames.isEmpty() ? "(no stack)" : componentOf(frames.getLast().getMethod().getType().getName());
        return "(no Verdict frame: " + outermost + ")";
    }

    private static String name(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    /** Thread names without their numbers ({@code http-nio-8080-exec-3} -> {@code http-nio-8080-exec-#}). */
    static String threadGroup(String name) {
        return name == null ? "(unnamed)" : name.replaceAll("\\d+", "#");
    }

    private static String table(String title, Map<String, Long> counts, long total, int top) {
        List<Map.Entry<String, Long>> sorted = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top).toList();
        StringBuilder out = new StringBuilder("   " + title + ":\n");
        for (Map.Entry<String, Long> e : sorted) {
            out.append(String.format(Locale.ROOT, "     %5.1f%%  %s%n", total == 0 ? 0 : 100.0 * e.getValue() / total, e.getKey()));
        }
        return out.toString();
    }

    /** Summaries of several files, one after another. */
    static String summarize(List<Path> files, int top) throws IOException {
        List<String> parts = new ArrayList<>();
        for (Path file : files) {
            parts.add(summarize(file, top));
        }
        return String.join("\n", parts);
    }
}
