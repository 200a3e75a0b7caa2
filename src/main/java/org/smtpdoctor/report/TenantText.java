package org.smtpdoctor.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import org.smtpdoctor.graph.TenantCheck;
import org.smtpdoctor.graph.TenantReport;

/**
 * {@code smtp-doctor tenant}'s output: a checklist with the permission each check needs, the
 * verdict and the diagnosis, for people; and JSON shaped like check's ({@code verdict},
 * {@code cause}, {@code diagnosis} with {@code confidence}, one entry per check in
 * {@code checks[]}; docs/json.md). Stateless.
 */
public final class TenantText {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TenantText() {
    }

    public static void print(PrintWriter out, TerminalStyle style, TenantReport r, String heading) {
        out.println(heading);
        out.println();
        for (TenantCheck c : r.checks()) {
            out.printf("  %s %-19s %s%s%n", style.mark(c.status()), c.id(), c.summary(),
                    c.permission().map(p -> style.dim("  [" + p + "]")).orElse(""));
            for (String d : c.details()) {
                out.println("      " + d);
            }
        }
        out.println();
        out.println(style.bold("Verdict: ") + style.paint(r.verdict(), r.verdict().name())
                + r.diagnosis().map(d -> " (" + d.cause().id() + ")").orElse(""));
        if (r.diagnosis().isPresent()) {
            out.println();
            DiagnosisText.print(out, style, r.diagnosis().get(), "Diagnosis: ");
        }
        out.flush();
    }

    public static String json(TenantReport r, String version) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", "smtp-doctor");
        root.put("version", version);
        ObjectNode target = root.putObject("target");
        target.put("tenant", r.tenant());
        r.user().ifPresentOrElse(u -> target.put("user", u), () -> target.putNull("user"));
        target.put("graph", r.graph());
        root.put("verdict", r.verdict().name());
        r.diagnosis().ifPresentOrElse(d -> root.put("cause", d.cause().id()), () -> root.putNull("cause"));
        r.diagnosis().ifPresentOrElse(d -> root.set("diagnosis", JsonReport.diagnosis(d)), () -> root.putNull("diagnosis"));
        ArrayNode checks = root.putArray("checks");
        for (TenantCheck c : r.checks()) {
            ObjectNode n = checks.addObject();
            n.put("id", c.id());
            n.put("status", c.status().name());
            n.put("summary", c.summary());
            ArrayNode details = n.putArray("details");
            c.details().forEach(details::add);
            c.permission().ifPresentOrElse(p -> n.put("permission", p), () -> n.putNull("permission"));
            c.diagnosis().ifPresentOrElse(d -> n.put("cause", d.cause().id()), () -> n.putNull("cause"));
            if (c.diagnosis().isPresent()) {
                n.set("diagnosis", JsonReport.diagnosis(c.diagnosis().get()));
            } else {
                n.putNull("diagnosis");
            }
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
