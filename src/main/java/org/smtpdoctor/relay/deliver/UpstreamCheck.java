package org.smtpdoctor.relay.deliver;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.graph.GraphMailer;
import org.smtpdoctor.oauth.TokenException;
import org.smtpdoctor.relay.config.UpstreamUrl;
import org.smtpdoctor.smtp.Secret;

/**
 * What {@code relay --check-config} can verify of an upstream over the network without sending
 * mail. For {@code m365-graph://}: a token from Entra (its audience and roles read), then one
 * {@link GraphMailer#probe} of the mailbox, and a plain list of what could not be verified. A
 * problem is diagnosed with the knowledge base, as delivery would. Stateless.
 */
public final class UpstreamCheck {

    /**
     * @param verified    what was checked and found right
     * @param notVerified what no read can show without sending mail
     * @param problem     the first thing found wrong, diagnosed
     */
    public record Result(String upstream, List<String> verified, List<String> notVerified, Optional<Diagnosis> problem) {}

    private UpstreamCheck() {
    }

    /** Checks the upstreams that can be checked (Graph's); the others are left out. */
    public static List<Result> check(List<UpstreamUrl> urls, UpstreamSettings settings) {
        return urls.stream().filter(u -> u.scheme() == UpstreamUrl.Scheme.M365_GRAPH)
                .map(u -> graph(u, (GraphUpstream) Upstreams.create(u, settings))).toList();
    }

    static Result graph(UpstreamUrl url, GraphUpstream upstream) {
        KnowledgeBase kb = KnowledgeBase.bundled();
        String mailbox = upstream.mailbox().orElse("");
        Map<String, String> values = new java.util.HashMap<>(Map.of("user", mailbox, "mailbox", mailbox, "host", url.host(),
                "client_id", url.parameters().getOrDefault("client-id", "")));
        Secret token;
        try {
            token = upstream.credentials().token();
        } catch (TokenException e) {
            Diagnosis d = e.event().isPresent()
                    ? kb.diagnose(Evidence.event("token", e.event().get(), Vendor.MICROSOFT, values))
                    : kb.diagnose(new Evidence("token", Optional.empty(), Optional.empty(), Optional.of(e.reason()), false,
                            Vendor.MICROSOFT, values));
            return new Result(url.toString(), List.of(), List.of("the mailbox: no token to ask Graph with"), Optional.of(d));
        }
        try {
            // The service principal's object id, which New-ServicePrincipal -ObjectId takes.
            org.smtpdoctor.oauth.AccessToken.parse(token.reveal()).objectId().ifPresent(oid -> values.put("object_id", oid));
        } catch (org.smtpdoctor.oauth.AccessToken.MalformedToken e) {
            // an opaque token: the remedy shows <object_id>
        }
        List<String> notes = GraphMailer.tokenNotes(token, List.of(), upstream.mailer().settings().usesDrafts());
        GraphMailer.Probe p = upstream.mailer().probe(notes);
        Optional<Diagnosis> problem = p.problem().map(o -> diagnose(kb, o, values));
        return new Result(url.toString(), p.verified(), p.notVerified(), problem);
    }

    private static Diagnosis diagnose(KnowledgeBase kb, GraphMailer.Outcome o, Map<String, String> values) {
        if (o instanceof GraphMailer.Refused r) {
            return kb.diagnose(new Evidence("graph", Optional.empty(), Optional.empty(), Optional.of(r.error().knowledgeLine()),
                    false, Vendor.MICROSOFT, values));
        }
        if (o instanceof GraphMailer.Broken b) {
            return kb.diagnose(Evidence.event("graph", b.failure().kind().event(), Vendor.MICROSOFT, values));
        }
        if (o instanceof GraphMailer.NoToken n) {
            return kb.diagnose(new Evidence("token", Optional.empty(), Optional.empty(), Optional.of(n.failure().reason()), false,
                    Vendor.MICROSOFT, values));
        }
        return Diagnosis.unknown(String.valueOf(o), "Graph's answer to the check did not name a cause.");
    }
}
