package org.smtpdoctor.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.smtpdoctor.check.CheckResult;
import org.smtpdoctor.check.Finding;
import org.smtpdoctor.check.Probe;
import org.smtpdoctor.diagnosis.Candidate;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Reference;
import org.smtpdoctor.smtp.Transcript;

/**
 * The machine report of a check: one JSON document whose field names are a public
 * interface (docs/json.md). Stateless.
 */
public final class JsonReport {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static String render(CheckResult result, String version) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", "smtp-doctor");
        root.put("version", version);
        ObjectNode target = root.putObject("target");
        target.put("host", result.request().host());
        target.put("port", result.request().port());
        target.put("security", result.request().security().id());
        result.request().preset().ifPresentOrElse(p -> target.put("preset", p), () -> target.putNull("preset"));
        root.put("verdict", result.verdict().name());
        result.cause().ifPresentOrElse(c -> root.put("cause", c.id()), () -> root.putNull("cause"));
        result.diagnosis().ifPresentOrElse(d -> root.set("diagnosis", diagnosis(d)), () -> root.putNull("diagnosis"));
        ArrayNode steps = root.putArray("steps");
        for (Finding f : result.findings()) {
            ObjectNode s = steps.addObject();
            s.put("id", f.step().id());
            s.put("status", f.status().name());
            s.put("duration_ms", f.duration().toMillis());
            s.put("summary", f.summary());
            ArrayNode details = s.putArray("details");
            f.details().forEach(details::add);
            f.diagnosis().ifPresentOrElse(d -> s.put("cause", d.cause().id()), () -> s.putNull("cause"));
            if (f.diagnosis().isPresent() && !f.diagnosis().get().remedies().isEmpty()) {
                ArrayNode remedy = s.putArray("remedy");
                f.diagnosis().get().remedies().forEach(remedy::add);
            } else {
                s.putNull("remedy");
            }
        }
        ArrayNode probes = root.putArray("probes");
        for (Probe p : result.probes()) {
            ObjectNode n = probes.addObject();
            n.put("id", p.id());
            n.put("after", p.after().id());
            n.put("duration_ms", p.duration().toMillis());
            n.put("summary", p.summary());
            ArrayNode details = n.putArray("details");
            p.details().forEach(details::add);
            p.confirmed().ifPresentOrElse(c -> n.put("confirms", c.id()), () -> n.putNull("confirms"));
            ArrayNode out = n.putArray("rules_out");
            p.ruledOut().forEach(c -> out.add(c.id()));
            ArrayNode demoted = n.putArray("ranks_last");
            p.demoted().forEach(c -> demoted.add(c.id()));
        }
        ArrayNode transcript = root.putArray("transcript");
        for (Transcript.Entry e : result.transcript()) {
            ObjectNode t = transcript.addObject();
            t.put("t_ms", e.tMs());
            t.put("dir", e.dir().name().toLowerCase(Locale.ROOT));
            t.put("tls", e.tls());
            t.put("text", e.text());
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    /** The diagnosis object of docs/json.md (also what {@code explain --json} prints). */
    public static ObjectNode diagnosis(Diagnosis d) {
        try {
            com.fasterxml.jackson.databind.util.TokenBuffer buffer = new com.fasterxml.jackson.databind.util.TokenBuffer(MAPPER, false);
            buffer.writeStartObject();
            writeDiagnosisFields(buffer, d);
            buffer.writeEndObject();
            return MAPPER.readTree(buffer.asParser());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    /**
     * The fields of the diagnosis object, written into an object the caller has started: the one
     * definition of the format, for the tree above and for {@code explain --batch}, which streams.
     */
    public static void writeDiagnosisFields(com.fasterxml.jackson.core.JsonGenerator g, Diagnosis d) throws java.io.IOException {
        g.writeStringField("cause", d.cause().id());
        g.writeStringField("confidence", d.confidence().id());
        g.writeStringField("title", d.title());
        g.writeStringField("explanation", d.explanation());
        g.writeArrayFieldStart("remedies");
        for (String r : d.remedies()) {
            g.writeString(r);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("references");
        for (Reference r : d.references()) {
            g.writeStartObject();
            g.writeStringField("title", r.title());
            g.writeStringField("url", r.url());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("matched");
        g.writeStringField("rule", d.ruleId());
        g.writeStringField("text", d.matchedText());
        g.writeEndObject();
        g.writeArrayFieldStart("candidates");
        for (Candidate c : d.candidates()) {
            g.writeStartObject();
            g.writeStringField("cause", c.cause().id());
            g.writeStringField("confidence", c.confidence().id());
            g.writeStringField("why", c.why());
            g.writeStringField("decide_by", c.decideBy());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
