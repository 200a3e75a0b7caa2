package org.smtpdoctor.relay.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smtpdoctor.diagnosis.KnowledgeBase;
import org.smtpdoctor.diagnosis.Vendor;
import org.smtpdoctor.graph.GraphError;

/** The classifier's table for Microsoft Graph's answers (docs/graph.md, "Outcomes"), row by row. */
class GraphClassifierTest {

    private static final Classifier CLASSIFIER = new Classifier(KnowledgeBase.bundled());

    @ParameterizedTest(name = "{0} {1} -> {3} {4} {5}")
    @CsvSource(delimiter = '|', value = {
        "202 |                             |                                                                    | DELIVERED | false | other",
        "429 | ApplicationThrottled        | Application is over its MailboxConcurrency limit.                  | RETRY     | true  | throttling_rate_limit",
        "503 | serviceNotAvailable         | The service is not available.                                      | RETRY     | true  | service_unavailable_transient",
        "504 |                             | Gateway Timeout                                                    | RETRY     | true  | service_unavailable_transient",
        "500 | generalException            | An unspecified error has occurred.                                 | RETRY     | false | service_unavailable_transient",
        "401 | InvalidAuthenticationToken  | Lifetime validation failed, the token is expired.                  | RETRY     | true  | oauth_token_invalid",
        "403 | ErrorAccessDenied           | Access is denied. Check credentials and try again.                 | RETRY     | true  | oauth_scope_or_permission",
        "403 | ErrorAccessDenied           | Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings. | RETRY | true | oauth_scope_or_permission",
        "404 | MailboxNotEnabledForRESTAPI | The mailbox is either inactive, soft-deleted, or is hosted on-premise. | RETRY | true | mailbox_not_licensed",
        "404 | ErrorInvalidUser            | The requested user 'relay@contoso.com' is invalid.                 | RETRY     | true  | mailbox_not_licensed",
        "403 | ErrorSendAsDenied           | The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message. | BOUNCE | false | sender_not_authorized_sendas",
        "403 | ErrorMessageSubmissionBlocked | Message submission is blocked for this mailbox.                  | BOUNCE    | false | message_rejected_spam",
        "400 | ErrorInvalidRecipients      | At least one recipient is required, but none were found.           | BOUNCE    | false | recipient_invalid",
        "400 | ErrorMimeContentInvalidBase64String | Invalid base64 string for MIME content.                    | BOUNCE    | false | message_size_or_format",
        "413 |                             | Request Entity Too Large                                           | BOUNCE    | false | message_size_or_format",
        "400 | SomethingNobodyKnows        | A new kind of bad request.                                         | BOUNCE    | false | unknown",
        "403 | ErrorSubmissionQuotaExceeded | Cannot submit message.                                            | RETRY     | true  | throttling_rate_limit",
    })
    void eachGraphAnswerHasItsActionAndCause(int status, String code, String message, Classifier.Action action, boolean throttle,
                                              String cause) {
        GraphError e = new GraphError(status, Optional.ofNullable(code), message, Optional.empty());
        HttpAnswer a = new HttpAnswer(status, status == 202 ? "Graph HTTP 202 Accepted: sendMail" : e.knowledgeLine(),
                status == 429 ? Optional.of(Duration.ofSeconds(7)) : Optional.empty(), Optional.empty());
        Classifier.Verdict v = CLASSIFIER.ofAnswer(Vendor.MICROSOFT, "graph.microsoft.com", "graph", a);
        assertThat(v.action()).isEqualTo(action);
        assertThat(v.throttle()).isEqualTo(throttle);
        assertThat(v.cause().id()).isEqualTo(cause);
        if (status == 429) {
            assertThat(v.retryAfter()).contains(Duration.ofSeconds(7));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"graph.message-too-large", "graph.mime-unreadable"})
    void whatTheRelayCannotSendThroughGraphBouncesAsTheMessagesFault(String event) {
        Classifier.Verdict v = CLASSIFIER.ofAnswer(Vendor.MICROSOFT, "graph.microsoft.com", "size",
                new HttpAnswer(0, "5.3.4 the Graph upstream cannot send this message: too large", Optional.empty(), Optional.of(event)));
        assertThat(v.action()).isEqualTo(Classifier.Action.BOUNCE);
        assertThat(v.cause().id()).isEqualTo("message_size_or_format");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"'Graph HTTP 403 ErrorSendAsDenied: x', 5.7.1", "'Graph HTTP 401 InvalidAuthenticationToken: x', 5.7.1",
        "'Graph HTTP 404 ErrorInvalidUser: x', 5.1.1", "'Graph HTTP 413 ErrorMessageSizeExceeded: x', 5.3.4",
        "'Graph HTTP 400 ErrorInvalidRecipients: x', 5.6.0", "'Graph HTTP 429 ApplicationThrottled: x', 4.4.7",
        "'Graph HTTP 503 serviceNotAvailable: x', 4.4.7", "'5.3.4 the Graph upstream cannot send this message: x', 5.3.4",
        "'550 5.7.60 SMTP; Client does not have permissions', 5.7.60"})
    void aDsnGivesGraphsAnswerAnRfc3463Status(String reply, String status) {
        assertThat(Dsn.status(reply)).isEqualTo(status);
        if (reply.startsWith("Graph HTTP")) {
            assertThat(Dsn.diagnostic(reply)).startsWith("X-http; Graph HTTP ");
        }
    }
}
