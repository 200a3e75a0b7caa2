package org.smtpdoctor.check;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.smtpdoctor.diagnosis.Cause;
import org.smtpdoctor.diagnosis.Confidence;
import org.smtpdoctor.diagnosis.Diagnosis;
import org.smtpdoctor.diagnosis.Evidence;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.smtp.Reply;
import org.smtpdoctor.smtp.Secret;
import org.smtpdoctor.smtp.TransportException;

/**
 * Probe {@code auth-mechanism}: after AUTH PLAIN or LOGIN was refused with a reply that leaves
 * wrong credentials and a refused mechanism both standing, the same credentials once more with
 * the other of the two, when the server offers it, on a new connection. Accepted: the
 * credentials are right and the first mechanism is what the server refuses (confirms
 * {@code auth_mechanism_unsupported}; rules out wrong credentials and every cause that refuses
 * a password whatever the mechanism). The same refusal: the mechanism makes no difference (rules
 * out {@code auth_mechanism_unsupported}). Another refusal: its own diagnosis confirms a
 * candidate when it names one with high confidence; else nothing is decided.
 * <p>
 * It sends the credentials a second time, never a third: it runs once per check, only when the
 * first reply did not decide, and not after a reply that says the account is locked.
 * XOAUTH2 is not tried after a password (a check has either a password or a token). Stateless.
 */
final class AuthMechanismProbe implements FollowUps.FollowUp {

    static final String ID = "auth-mechanism";

    /** Causes that refuse a password whatever mechanism carries it: a password accepted by another mechanism rules them out. */
    private static final Set<Cause> ANY_MECHANISM = Set.of(Cause.WRONG_CREDENTIALS, Cause.MFA_REQUIRED_APP_PASSWORD,
            Cause.ACCOUNT_LOCKED_OR_DISABLED, Cause.TENANT_SMTP_AUTH_DISABLED, Cause.MAILBOX_SMTP_AUTH_DISABLED,
            Cause.SMTP_AUTH_DISABLED_UNKNOWN_SCOPE, Cause.SECURITY_DEFAULTS_BLOCK, Cause.CONDITIONAL_ACCESS_BLOCK,
            Cause.BASIC_AUTH_RETIRED);

    @Override
    public boolean wanted(CheckSession first, StepId failed, Evidence evidence, Diagnosis d, boolean credentialsSentAgain) {
        return failed == StepId.AUTH && !credentialsSentAgain && evidence.reply().isPresent()
                && FollowUps.undecided(d) && d.cause() != Cause.ACCOUNT_LOCKED_OR_DISABLED
                && FollowUps.has(d, Cause.WRONG_CREDENTIALS) && FollowUps.has(d, Cause.AUTH_MECHANISM_UNSUPPORTED)
                && first.request.password().isPresent() && other(first).isPresent();
    }

    @Override
    public boolean sendsCredentials(StepId failed) {
        return true;
    }

    /** The other password mechanism, when the first was PLAIN or LOGIN and the server offers the other. */
    private static Optional<String> other(CheckSession first) {
        if (first.client == null || first.mechanism == null) {
            return Optional.empty();
        }
        String other = switch (first.mechanism) {
            case "PLAIN" -> "LOGIN";
            case "LOGIN" -> "PLAIN";
            default -> null;
        };
        return Optional.ofNullable(other).filter(first.client.capabilities().authMechanisms()::contains);
    }

    @Override
    public Probe run(CheckSession first, StepId failed, Evidence evidence, Diagnosis d, KnowledgeBase knowledge) {
        String other = other(first).orElseThrow();
        Reply refused = evidence.reply().orElseThrow();
        String user = first.request.user().orElseThrow();
        Secret password = first.request.password().orElseThrow();
        long start = System.nanoTime();
        CheckSession p = first.followUp();
        p.transcript.info("probe " + ID + ": a new connection, AUTH " + other + " with the same credentials (once)", false);
        try {
            Optional<FollowUps.Broke> broke = FollowUps.connect(p, StepId.AUTH, false);
            if (broke.isPresent()) {
                return Probe.undecided(ID, failed, FollowUps.since(start), "a new connection failed at " + broke.get().step().id()
                        + ": " + broke.get().outcome().summary(), List.of());
            }
            Reply reply;
            try {
                reply = other.equals("PLAIN") ? p.client.authPlain(user, password) : p.client.authLogin(user, password);
            } catch (TransportException e) {
                return Probe.undecided(ID, failed, FollowUps.since(start), "AUTH " + other + ": " + e.getMessage(), List.of());
            }
            String summary = "AUTH " + other + " with the same credentials: " + StepSupport.shorten(reply.oneLine());
            List<String> details = List.of("AUTH " + first.mechanism + ": " + refused.oneLine(), "AUTH " + other + ": " + reply.oneLine());
            if (reply.code() == 235) {
                return new Probe(ID, failed, FollowUps.since(start), summary, details, Optional.of(Cause.AUTH_MECHANISM_UNSUPPORTED),
                        FollowUps.among(d, ANY_MECHANISM), List.of(),
                        "The server refuses AUTH " + first.mechanism + " for this account but accepts AUTH " + other
                                + " with the same credentials",
                        "Configure the client to authenticate with AUTH " + other + " (the mechanism the server accepted).");
            }
            if (FollowUps.sameRefusal(refused, reply)) {
                return new Probe(ID, failed, FollowUps.since(start), summary + " (the same refusal)", details, Optional.empty(),
                        List.of(Cause.AUTH_MECHANISM_UNSUPPORTED), List.of(), summary, "");
            }
            Diagnosis own = knowledge.diagnose(p.reply(StepId.AUTH, reply));
            if (own.confidence() == Confidence.HIGH && FollowUps.has(d, own.cause()) && own.cause() != Cause.UNKNOWN) {
                return new Probe(ID, failed, FollowUps.since(start), summary, details, Optional.of(own.cause()), List.of(), List.of(),
                        own.title(), own.remedies().isEmpty() ? "" : own.remedies().get(0));
            }
            return Probe.undecided(ID, failed, FollowUps.since(start), summary + " (another refusal that decides nothing)", details);
        } finally {
            FollowUps.close(p);
        }
    }
}
