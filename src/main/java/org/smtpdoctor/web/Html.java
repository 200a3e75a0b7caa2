package org.smtpdoctor.web;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.smtpdoctor.report.HtmlReport;
import org.smtpdoctor.report.TerminalText;

/**
 * A page being written: text goes through {@link #text} (escaped, control characters and
 * direction overrides made visible), markup through {@link #raw} (constants only). Times are
 * {@code <time datetime=ISO>} elements in UTC, which the console's script shows in the
 * browser's zone. Not thread-safe: one per request.
 */
final class Html {

    private final StringBuilder out = new StringBuilder(8192);

    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    Html text(Object value) {
        out.append(esc(String.valueOf(value)));
        return this;
    }

    /** {@code <tag class="cls">text</tag>}. */
    Html el(String tag, String cls, Object text) {
        out.append('<').append(tag);
        if (cls != null && !cls.isEmpty()) {
            out.append(" class=\"").append(esc(cls)).append('"');
        }
        out.append('>').append(esc(String.valueOf(text))).append("</").append(tag).append('>');
        return this;
    }

    Html link(String href, Object text) {
        out.append("<a href=\"").append(esc(href)).append("\">").append(esc(String.valueOf(text))).append("</a>");
        return this;
    }

    Html time(Instant t) {
        Instant s = t.truncatedTo(ChronoUnit.SECONDS);
        out.append("<time datetime=\"").append(s).append("\">").append(s.toString().replace('T', ' ').replace("Z", " UTC"))
                .append("</time>");
        return this;
    }

    /** A form posting to {@code action} with the CSRF token, one submit button. */
    Html button(String action, String csrf, String label, String cls, String confirm) {
        out.append("<form method=\"post\" action=\"").append(esc(action)).append("\" class=\"inline\"");
        if (confirm != null) {
            out.append(" data-confirm=\"").append(esc(confirm)).append('"');
        }
        out.append("><input type=\"hidden\" name=\"").append(ConsoleAuth.CSRF_FIELD).append("\" value=\"").append(esc(csrf))
                .append("\"><button type=\"submit\" class=\"").append(esc(cls)).append("\">").append(esc(label)).append("</button></form>");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /**
     * HTML text and attribute escaping, after control characters and Unicode direction overrides
     * are made visible as {@code smtp-doctor queue show} shows them ({@code \x1b}, {@code \u202e}),
     * so that a device cannot make a header read backwards or hide text.
     */
    static String esc(String s) {
        return HtmlReport.esc(TerminalText.safe(s));
    }
}
