package org.smtpdoctor.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One self-contained HTML file for a support ticket, rendered from the very JSON document the
 * command prints with {@code --json} (docs/json.md), so the two can never disagree: for
 * {@code check} the verdict, the diagnosis with its fixes and references, the checklist and
 * the redacted transcript; for {@code tls} the protocol matrix and the certificate; for
 * {@code ports} the port matrix. Fields this class does not know are still shown, as a table,
 * so nothing in the JSON is left out. No script, no external style sheet, font or image
 * (links to the documentation in the references are the only URLs); readable when printed.
 * Every value is HTML-escaped. Stateless.
 */
public final class HtmlReport {

    private static final Set<String> SHOWN_CHECK = Set.of("tool", "version", "target", "verdict", "cause", "diagnosis", "steps",
            "probes", "transcript");
    private static final Set<String> SHOWN_TLS = Set.of("tool", "version", "target", "protocols", "ciphers", "details", "certificate");
    private static final Set<String> SHOWN_PORTS = Set.of("tool", "version", "host", "address", "duration_ms", "ports");

    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;max-width:62rem;margin:2rem auto;padding:0 1rem}
            h1{font-size:1.4rem;margin:0 0 .2rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #d0d7de}
            .meta{color:#57606a}.verdict{display:inline-block;padding:.15rem .6rem;border-radius:.3rem;font-weight:700}
            .PASS{background:#dafbe1;color:#116329}.WARN{background:#fff8c5;color:#7d4e00}.FAIL{background:#ffebe9;color:#a40e26}
            .SKIP{background:#eaeef2;color:#57606a}table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;
            padding:.3rem .5rem;border-bottom:1px solid #eaeef2}th{background:#f6f8fa}code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
            pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}.box{border:1px solid #d0d7de;
            border-radius:.4rem;padding:.6rem 1rem}ol li{margin:.3rem 0}details summary{cursor:pointer;color:#0969da}
            @media print{body{margin:0;max-width:none}details{display:block}details>summary{display:none}a{color:inherit}
            a[href]::after{content:" (" attr(href) ")";font-size:.85em}h2{break-after:avoid}tr{break-inside:avoid}}
            """;

    private final StringBuilder out = new StringBuilder(16_384);

    private HtmlReport() {
    }

    /**
     * @param doc the command's {@code --json} document
     * @param title what was run, e.g. {@code smtp-doctor check 127.0.0.1:587 (starttls)}
     * @param generated when the report was made (shown, in UTC)
     */
    public static String render(JsonNode doc, String title, Instant generated) {
        HtmlReport r = new HtmlReport();
        r.page(doc, title, generated);
        return r.out.toString();
    }

    private void page(JsonNode doc, String title, Instant generated) {
        out.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"/>")
                .append("<title>").append(esc(title)).append("</title><style>").append(STYLE).append("</style></head><body>\n");
        out.append("<h1>").append(esc(title)).append("</h1>\n<p class=\"meta\">")
                .append(esc(doc.path("tool").asText("smtp-doctor"))).append(' ').append(esc(doc.path("version").asText("")))
                .append(", ").append(esc(generated.truncatedTo(ChronoUnit.SECONDS).toString()))
                .append(". Secrets (passwords, tokens, AUTH payloads) are redacted.</p>\n");
        Set<String> shown;
        if (doc.has("steps")) {
            check(doc);
            shown = SHOWN_CHECK;
        } else if (doc.has("protocols")) {
            tls(doc);
            shown = SHOWN_TLS;
        } else if (doc.has("ports")) {
            ports(doc);
            shown = SHOWN_PORTS;
        } else {
            shown = Set.of("tool", "version");
        }
        rest(doc, shown);
        out.append("</body></html>\n");
    }

    private void check(JsonNode doc) {
        String verdict = doc.path("verdict").asText("");
        out.append("<p><span class=\"verdict ").append(cls(verdict)).append("\">").append(esc(verdict)).append("</span>");
        if (!doc.path("cause").isNull() && doc.has("cause")) {
            out.append(" cause <code>").append(esc(doc.path("cause").asText())).append("</code>");
        }
        out.append("</p>\n");
        if (doc.path("diagnosis").isObject()) {
            diagnosis(doc.path("diagnosis"));
        }
        out.append("<h2>Checklist</h2>\n<table><tr><th>step</th><th>status</th><th>what was seen</th><th>ms</th></tr>\n");
        for (JsonNode s : doc.path("steps")) {
            String status = s.path("status").asText("");
            out.append("<tr><td>").append(esc(s.path("id").asText())).append("</td><td><span class=\"verdict ").append(cls(status))
                    .append("\">").append(esc(status)).append("</span></td><td>").append(esc(s.path("summary").asText()));
            if (s.path("details").size() > 0) {
                out.append("<details><summary>details</summary><pre>");
                for (JsonNode d : s.path("details")) {
                    out.append(esc(d.asText())).append('\n');
                }
                out.append("</pre></details>");
            }
            if (!s.path("cause").isNull() && s.has("cause")) {
                out.append("<br/>cause <code>").append(esc(s.path("cause").asText())).append("</code>");
            }
            out.append("</td><td>").append(esc(s.path("duration_ms").asText(""))).append("</td></tr>\n");
        }
        out.append("</table>\n");
        if (doc.path("probes").size() > 0) {
            out.append("<h2>Follow-up probes</h2>\n<p class=\"meta\">Run after the failure to tell its candidates apart; "
                    + "the diagnosis above already counts what they showed.</p>\n<table><tr><th>probe</th><th>after</th>"
                    + "<th>what was seen</th><th>decided</th><th>ms</th></tr>\n");
            for (JsonNode p : doc.path("probes")) {
                List<String> decided = new ArrayList<>();
                if (!p.path("confirms").isNull() && p.has("confirms")) {
                    decided.add("confirms " + p.path("confirms").asText());
                }
                if (p.path("rules_out").size() > 0) {
                    decided.add("rules out " + text(p.path("rules_out")));
                }
                if (p.path("ranks_last").size() > 0) {
                    decided.add("makes less likely: " + text(p.path("ranks_last")));
                }
                out.append("<tr><td>").append(esc(p.path("id").asText())).append("</td><td>").append(esc(p.path("after").asText()))
                        .append("</td><td>").append(esc(p.path("summary").asText()));
                if (p.path("details").size() > 0) {
                    out.append("<details><summary>details</summary><pre>");
                    for (JsonNode d : p.path("details")) {
                        out.append(esc(d.asText())).append('\n');
                    }
                    out.append("</pre></details>");
                }
                out.append("</td><td>").append(esc(decided.isEmpty() ? "nothing decided" : String.join("; ", decided)))
                        .append("</td><td>").append(esc(p.path("duration_ms").asText(""))).append("</td></tr>\n");
            }
            out.append("</table>\n");
        }
        if (doc.path("transcript").size() > 0) {
            out.append("<h2>Transcript</h2>\n<p class=\"meta\">-&gt; client, &lt;- server, ~&gt; &lt;~ under TLS, * what smtp-doctor saw; "
                    + "milliseconds from the start.</p>\n<pre>");
            for (JsonNode e : doc.path("transcript")) {
                boolean tls = e.path("tls").asBoolean();
                String mark = switch (e.path("dir").asText()) {
                    case "sent" -> tls ? "~>" : "->";
                    case "received" -> tls ? "<~" : "<-";
                    default -> " *";
                };
                out.append(String.format("%6s ", e.path("t_ms").asText(""))).append(esc(mark)).append(' ')
                        .append(esc(e.path("text").asText())).append('\n');
            }
            out.append("</pre>\n");
        }
    }

    private void diagnosis(JsonNode d) {
        out.append("<h2>Diagnosis</h2>\n<div class=\"box\"><p><strong>").append(esc(d.path("title").asText("")))
                .append("</strong> <code>").append(esc(d.path("cause").asText(""))).append("</code>");
        if (d.has("confidence")) {
            out.append(", ").append(esc(d.path("confidence").asText())).append(" confidence");
        }
        out.append("</p>\n<p>").append(esc(d.path("explanation").asText(""))).append("</p>\n");
        if (d.path("remedies").size() > 0) {
            out.append("<p><strong>Fix</strong></p><ol>");
            for (JsonNode r : d.path("remedies")) {
                out.append("<li>").append(esc(r.asText())).append("</li>");
            }
            out.append("</ol>\n");
        }
        if (d.path("candidates").size() > 0) {
            out.append("<p><strong>Candidates</strong></p>");
            table(d.path("candidates"));
        }
        if (d.path("references").size() > 0) {
            out.append("<p><strong>References</strong></p><ul>");
            for (JsonNode r : d.path("references")) {
                String url = r.path("url").asText("");
                out.append("<li>");
                if (url.startsWith("https://")) {
                    out.append("<a href=\"").append(esc(url)).append("\">").append(esc(r.path("title").asText(url))).append("</a>");
                } else {
                    out.append(esc(r.path("title").asText())).append(' ').append(esc(url));
                }
                out.append("</li>");
            }
            out.append("</ul>\n");
        }
        if (d.path("matched").isObject()) {
            out.append("<p class=\"meta\">Matched rule <code>").append(esc(d.path("matched").path("rule").asText("")))
                    .append("</code> on:</p><pre>").append(esc(d.path("matched").path("text").asText(""))).append("</pre>\n");
        }
        out.append("</div>\n");
    }

    private void tls(JsonNode doc) {
        out.append("<h2>TLS versions</h2>\n<table><tr><th>version</th><th>result</th><th>cipher</th><th>detail</th></tr>\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("protocols").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> p = it.next();
            String result = p.getValue().asText();
            out.append("<tr><td>").append(esc(p.getKey())).append("</td><td><span class=\"verdict ")
                    .append(result.equals("accepted") ? "PASS" : "SKIP").append("\">").append(esc(result)).append("</span></td><td><code>")
                    .append(esc(doc.path("ciphers").path(p.getKey()).asText(""))).append("</code></td><td>")
                    .append(esc(doc.path("details").path(p.getKey()).asText(""))).append("</td></tr>\n");
        }
        out.append("</table>\n");
        if (doc.path("certificate").isObject()) {
            out.append("<h2>Certificate</h2>\n");
            table(doc.path("certificate"));
        }
    }

    private void ports(JsonNode doc) {
        out.append("<p>").append(esc(doc.path("host").asText())).append(" (").append(esc(doc.path("address").asText(""))).append("), ")
                .append(esc(doc.path("duration_ms").asText(""))).append(" ms</p>\n<h2>Ports</h2>\n");
        table(doc.path("ports"));
    }

    /** Whatever the document holds that the sections above did not show. */
    private void rest(JsonNode doc, Set<String> shown) {
        boolean any = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (shown.contains(f.getKey())) {
                continue;
            }
            if (!any) {
                out.append("<h2>More</h2>\n");
                any = true;
            }
            out.append("<p><strong>").append(esc(f.getKey())).append("</strong></p>\n");
            table(f.getValue());
        }
    }

    /** An object as key/value rows, an array of objects as one row each, anything else as text. */
    private void table(JsonNode n) {
        if (n.isObject()) {
            out.append("<table>");
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                out.append("<tr><th>").append(esc(f.getKey())).append("</th><td>").append(esc(text(f.getValue()))).append("</td></tr>");
            }
            out.append("</table>\n");
        } else if (n.isArray() && n.size() > 0 && n.get(0).isObject()) {
            out.append("<table><tr>");
            Iterator<String> names = n.get(0).fieldNames();
            java.util.List<String> columns = new java.util.ArrayList<>();
            names.forEachRemaining(columns::add);
            columns.forEach(c -> out.append("<th>").append(esc(c)).append("</th>"));
            out.append("</tr>\n");
            for (JsonNode row : n) {
                out.append("<tr>");
                columns.forEach(c -> out.append("<td>").append(esc(text(row.path(c)))).append("</td>"));
                out.append("</tr>\n");
            }
            out.append("</table>\n");
        } else {
            out.append("<pre>").append(esc(text(n))).append("</pre>\n");
        }
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "";
        }
        if (n.isArray()) {
            java.util.List<String> parts = new java.util.ArrayList<>();
            n.forEach(e -> parts.add(text(e)));
            return String.join(", ", parts);
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    private static String cls(String status) {
        return switch (status) {
            case "PASS", "WARN", "FAIL", "SKIP" -> status;
            default -> "SKIP";
        };
    }

    /** HTML text and attribute escaping; control characters (but tab and line feed) become U+FFFD. */
    public static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }
}
