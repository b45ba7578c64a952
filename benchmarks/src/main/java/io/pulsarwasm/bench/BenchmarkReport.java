package io.pulsarwasm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and writes a results table (markdown) and a chart (PNG), every wasm figure
 * next to its Java baseline from the same run. {@code quick} settings prove the benchmarks run (CI)
 * and write to {@code benchmarks/target/}; {@code full} settings give real numbers and write to {@code docs/}.
 *
 * <p>Over 300 lines because it renders every benchmark's table and chart; it is tooling, not the
 * product.
 */
public final class BenchmarkReport {

    private static final List<String> RUNTIMES = List.of("java", "interpreter", "compiler", "aot", "wasmtime");

    private BenchmarkReport() {}

    /**
     * Runs everything.
     *
     * @param args settings ({@code quick} or {@code full}), the samples directory, the docs directory
     */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("e2e")) {
            // the end-to-end cases alone, into target/: ./mvnw -pl benchmarks -Dbench.settings=e2e verify
            // (-Dbench.cases="Publish per message,Counter per message" for some of them)
            String cases = System.getProperty("bench.cases", "");
            String markdown = endToEnd(EndToEnd.run(
                    Integer.getInteger("bench.messages", 50_000),
                    cases.isEmpty()
                            ? List.of()
                            : Arrays.stream(cases.split(",")).map(String::trim).toList()));
            Files.writeString(Path.of("target/benchmarks-e2e.md"), markdown);
            System.out.println(markdown);
            return;
        }
        if (args[0].equals("javascript")) {
            // the JavaScript cases alone, into target/: ./mvnw -pl benchmarks -Dbench.settings=javascript verify
            Path samples = Path.of(args[1]).toAbsolutePath().normalize();
            String markdown = markdown(
                            group(new ArrayList<>(run(
                                    new OptionsBuilder()
                                            .include(ColdStartBenchmark.class.getSimpleName() + ".javaScript")
                                            .forks(5)
                                            .warmupIterations(0)
                                            .measurementIterations(1),
                                    samples))),
                            true)
                    + markdown(
                            group(new ArrayList<>(run(
                                    settings(true).include(JavaScriptCallBenchmark.class.getSimpleName()), samples))),
                            true)
                    + endToEnd(EndToEnd.run(
                            Integer.getInteger("bench.messages", 50_000),
                            List.of("Relay: JavaScript", "JSON transform: JavaScript")));
            Files.writeString(Path.of("target/benchmarks-javascript.md"), markdown);
            System.out.println(markdown);
            return;
        }
        if (args[0].equals("density")) {
            // instances per worker, into target/: ./mvnw -pl benchmarks -Dbench.settings=density verify
            // (-Dbench.density.steps=50,100,200,400 -Dbench.density.inputs=50)
            String markdown = Density.markdown(Density.run(
                    Arrays.stream(System.getProperty("bench.density.steps", "50,100,200,400")
                                    .split(","))
                            .map(String::trim)
                            .map(Integer::valueOf)
                            .toList(),
                    Integer.getInteger("bench.density.inputs", 50)));
            Files.writeString(Path.of("target/benchmarks-density.md"), markdown);
            System.out.println(markdown);
            return;
        }
        if (args[0].equals("records")) {
            // the record cases alone, into target/: ./mvnw -pl benchmarks -Dbench.settings=records verify
            Path samples = Path.of(args[1]).toAbsolutePath().normalize();
            String markdown = markdown(
                            group(new ArrayList<>(
                                    run(settings(true).include(RecordBenchmark.class.getSimpleName()), samples))),
                            true)
                    + endToEnd(EndToEnd.run(
                            Integer.getInteger("bench.messages", 50_000), List.of("Avro record transform")));
            Files.writeString(Path.of("target/benchmarks-records.md"), markdown);
            System.out.println(markdown);
            return;
        }
        // jmh: the JMH benchmarks alone with full settings, into target/
        boolean jmhOnly = args[0].equals("jmh");
        boolean full = args[0].equals("full") || jmhOnly;
        Path samples = Path.of(args[1]).toAbsolutePath().normalize();
        Path out = full && !jmhOnly ? Path.of(args[2]) : Path.of("target");
        Files.createDirectories(out);

        List<RunResult> results = new ArrayList<>();
        results.addAll(run(
                settings(full)
                        .include(LongCallBenchmark.class.getSimpleName())
                        .include(BytesRoundTripBenchmark.class.getSimpleName())
                        .include(PublishBenchmark.class.getSimpleName())
                        .include(JavaScriptCallBenchmark.class.getSimpleName())
                        .include(ComputeBenchmark.class.getSimpleName())
                        .include(RecordBenchmark.class.getSimpleName()),
                samples));
        results.addAll(run(
                new OptionsBuilder()
                        .include(ColdStartBenchmark.class.getSimpleName())
                        .forks(full ? 5 : 0)
                        .warmupIterations(0)
                        .measurementIterations(1),
                samples));

        Map<String, Map<String, RunResult>> groups = group(results);
        String markdown = markdown(groups, full);
        if (full && !jmhOnly) {
            markdown += endToEnd(EndToEnd.run(50_000, List.of()));
        }
        Files.writeString(out.resolve("benchmarks.md"), markdown);
        chart(groups).forEach((name, chart) -> save(chart, out.resolve(name)));
        System.out.println(markdown);
        System.out.println("Written to " + out.toAbsolutePath());
    }

    private static ChainedOptionsBuilder settings(boolean full) {
        return full
                ? new OptionsBuilder()
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(5)
                        .measurementTime(TimeValue.seconds(1))
                : new OptionsBuilder()
                        .forks(0)
                        .warmupIterations(1)
                        .warmupTime(TimeValue.milliseconds(100))
                        .measurementIterations(1)
                        .measurementTime(TimeValue.milliseconds(200));
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options, Path samples) throws Exception {
        System.setProperty("bench.samples", samples.toString());
        return new Runner(options.jvmArgsAppend("-Dbench.samples=" + samples, "-Xmx2g")
                        .build())
                .run();
    }

    /** Results by group (benchmark class and parameters), then by runtime (method). */
    private static Map<String, Map<String, RunResult>> group(List<RunResult> results) {
        Map<String, Map<String, RunResult>> groups = new LinkedHashMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String[] parts = benchmark.split("\\.");
            String group = switch (parts[parts.length - 2]) {
                case "LongCallBenchmark" -> "Long call";
                case "BytesRoundTripBenchmark" -> "Bytes round trip";
                case "ComputeBenchmark" -> "FNV-1a over 64 KiB";
                case "RecordBenchmark" -> "Avro record transform (compiler)";
                case "PublishBenchmark" -> "Publish per message (compiler, no broker)";
                case "JavaScriptCallBenchmark" -> "JavaScript call and ten ctx calls (in-process)";
                default -> "Cold start";
            };
            String size = result.getParams().getParam("size");
            if (size != null) {
                group = "Bytes " + humanBytes(Integer.parseInt(size));
            }
            groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(parts[parts.length - 1], result);
        }
        return groups;
    }

    private static String markdown(Map<String, Map<String, RunResult>> groups, boolean full) {
        StringBuilder text = new StringBuilder("# Benchmarks\n\n");
        text.append("Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ")
                .append(cpu())
                .append("; JDK ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(Runtime.version())
                .append("; ")
                .append(full ? "full" : "quick")
                .append(" settings. ")
                .append("Regenerate with `./mvnw -pl benchmarks -am -DskipTests install && ./mvnw -pl benchmarks ")
                .append("-Dbench.settings=full verify`.\n\n");
        text.append("Lower is better. \"× Java\" is the ratio to the plain Java baseline measured in the same run; "
                + "\"+ Java\" the time added to it.\n\n");
        for (Map.Entry<String, Map<String, RunResult>> group : groups.entrySet()) {
            text.append("## ")
                    .append(group.getKey())
                    .append("\n\n| runtime | score | error | × Java | + Java |\n| --- | ---: | ---: | ---: | ---: |\n");
            RunResult java = group.getValue().get("java");
            for (Map.Entry<String, RunResult> row : group.getValue().entrySet()) {
                var score = row.getValue().getPrimaryResult();
                text.append("| ")
                        .append(row.getKey())
                        .append(" | ")
                        .append(format(score.getScore()))
                        .append(' ')
                        .append(score.getScoreUnit())
                        .append(" | ± ")
                        .append(format(score.getScoreError()))
                        .append(" | ")
                        .append(
                                java == null
                                        ? ""
                                        : format(score.getScore()
                                                / java.getPrimaryResult().getScore()))
                        .append(" | ")
                        .append(
                                java == null
                                        ? ""
                                        : format(score.getScore()
                                                        - java.getPrimaryResult()
                                                                .getScore()) + " " + score.getScoreUnit())
                        .append(" |\n");
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static String endToEnd(List<EndToEnd.Result> results) {
        StringBuilder text = new StringBuilder("## End to end on a Pulsar standalone (process runtime)\n\n"
                + "Each case's functions alternate on one broker: one unmeasured pass, then "
                + Integer.getInteger("bench.passes", 3)
                + " measured ones. Each figure is the median over the passes; \"passes\" is the lowest and highest "
                + "throughput of the measured passes. Each function instance (a fresh JVM) first processes "
                + String.format(
                        java.util.Locale.ROOT,
                        "%,d",
                        EndToEnd.warmUpMessages(Integer.getInteger("bench.messages", 50_000)))
                + " messages unmeasured, to measure it warm. \"× first\" is the ratio of medians to the case's first row "
                + "under the same load. At saturation every message is sent at once, so latency there is mostly queueing; "
                + "at the fixed rate it is processing latency. \"CPU a message\" is each process's CPU time (/proc) while the load ran, "
                + "over the messages: the function instance's JVM / the standalone's (broker, bookie, ZooKeeper, functions worker) / the load "
                + "generator's (producer and consumer).\n\n"
                + "| case | function | load | messages | throughput | × first | passes | p50 latency | p99 latency | CPU a message | checked |\n"
                + "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (EndToEnd.Result result : results) {
            double first = results.stream()
                    .filter(r ->
                            r.scenario().equals(result.scenario()) && r.load().equals(result.load()))
                    .findFirst()
                    .orElseThrow()
                    .throughputPerSecond();
            text.append("| ")
                    .append(result.scenario())
                    .append(" | ")
                    .append(result.function())
                    .append(" | ")
                    .append(result.load())
                    .append(" | ")
                    .append(result.messages())
                    .append(" | ")
                    .append(format(result.throughputPerSecond()))
                    .append(" msg/s | ")
                    .append(format(result.throughputPerSecond() / first))
                    .append(" | ")
                    .append(format(result.lowestPerSecond()))
                    .append("–")
                    .append(format(result.highestPerSecond()))
                    .append(" | ")
                    .append(result.p50Millis())
                    .append(" ms | ")
                    .append(result.p99Millis())
                    .append(" ms | ")
                    .append(format(result.cpu().instance()))
                    .append(" / ")
                    .append(format(result.cpu().broker()))
                    .append(" / ")
                    .append(format(result.cpu().client()))
                    .append(" µs | ")
                    .append(result.check())
                    .append(" |\n");
        }
        return text.append('\n').toString();
    }

    /** One bar chart: each group's runtimes as multiples of its Java baseline (log scale). */
    private static Map<String, CategoryChart> chart(Map<String, Map<String, RunResult>> groups) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(1000)
                .height(520)
                .title("Cost relative to the same function in Java (lower is better)")
                .xAxisTitle("benchmark")
                .yAxisTitle("× Java (log scale)")
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        // bars need a positive base on a log axis
        chart.getStyler().setYAxisMin(0.5);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        List<String> compared = groups.entrySet().stream()
                .filter(g -> g.getValue().containsKey("java") && g.getValue().containsKey("compiler"))
                .map(Map.Entry::getKey)
                .toList();
        for (String runtime : RUNTIMES.subList(1, RUNTIMES.size())) {
            List<Double> ratios = new ArrayList<>();
            for (String group : compared) {
                RunResult result = groups.get(group).get(runtime);
                double java = groups.get(group).get("java").getPrimaryResult().getScore();
                ratios.add(result == null ? 1.0 : result.getPrimaryResult().getScore() / java);
            }
            chart.addSeries(runtime, compared, ratios);
        }
        return Map.of("benchmarks.png", chart);
    }

    private static void save(CategoryChart chart, Path file) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String humanBytes(int bytes) {
        return bytes >= 1024 ? (bytes / 1024) + " KiB" : bytes + " B";
    }

    private static String format(double value) {
        return Double.isNaN(value)
                ? "–"
                : String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value);
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
