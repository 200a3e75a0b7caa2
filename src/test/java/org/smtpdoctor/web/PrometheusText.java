package org.smtpdoctor.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.smtpdoctor.peers.Peers;

/**
 * Reads a /metrics answer with parsers nobody here wrote: the Prometheus project's Python
 * client ({@code prometheus_client.parser}, Debian's python3-prometheus-client) for the
 * values, and {@code promtool check metrics} (Debian's prometheus) for the format and the
 * naming conventions. Missing tools fail the test when CI=true, else skip it, as for every
 * real peer.
 */
final class PrometheusText {

    /** Debian's interpreter, which sees Debian's python3-prometheus-client (a pyenv shim on PATH would not). */
    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String PARSE = String.join("\n",
            "import json, sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "for family in text_string_to_metric_families(sys.stdin.read()):",
            "    for s in family.samples:",
            "        print(json.dumps({'family': family.name, 'type': family.type, 'name': s.name, 'labels': s.labels, 'value': s.value}))",
            "");

    /** One sample as the parser read it. */
    record Sample(String family, String type, String name, Map<String, String> labels, double value) {}

    private PrometheusText() {
    }

    static void requireParser() throws IOException, InterruptedException {
        boolean present = Files.isExecutable(PYTHON)
                && run(List.of(PYTHON.toString(), "-c", "import prometheus_client.parser"), "").exit == 0;
        if (!present) {
            String msg = "the Prometheus Python client is not installed (apt-get install python3-prometheus-client; .ci/run does)";
            if (Peers.isCi()) {
                Assertions.fail("CI=true: " + msg);
            }
            Assumptions.abort(msg);
        }
    }

    static List<Sample> parse(String exposition) throws IOException, InterruptedException {
        requireParser();
        Result r = run(List.of(PYTHON.toString(), "-c", PARSE), exposition);
        if (r.exit != 0) {
            throw new AssertionError("prometheus_client could not parse /metrics: " + r.output);
        }
        ObjectMapper json = new ObjectMapper();
        List<Sample> out = new ArrayList<>();
        for (String line : r.output.lines().toList()) {
            JsonNode n = json.readTree(line);
            Map<String, String> labels = new TreeMap<>();
            n.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            out.add(new Sample(n.path("family").asText(), n.path("type").asText(), n.path("name").asText(), labels,
                    n.path("value").asDouble()));
        }
        return out;
    }

    /** {@code promtool check metrics}: its complaints, empty when none. */
    static String lint(String exposition) throws IOException, InterruptedException {
        Peers.require("promtool");
        Result r = run(List.of(Peers.findExecutable("promtool").toString(), "check", "metrics"), exposition);
        return r.exit == 0 ? "" : r.output;
    }

    /** The value of the one sample with this name whose labels include these; fails when there is none. */
    static double value(List<Sample> samples, String name, Map<String, String> labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name)
                && s.labels().entrySet().containsAll(labels.entrySet())).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + labels + " in " + samples.stream()
                    .filter(s -> s.name().equals(name)).toList());
        }
        return found.get(0).value();
    }

    /** The sum over every sample with this name whose labels include these (0 when none). */
    static double sum(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd.get(0) + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}
