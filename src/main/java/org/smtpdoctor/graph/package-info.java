/**
 * Microsoft Graph: the relay's way to send without SMTP AUTH, and the read-only look at a tenant
 * that says why SMTP AUTH fails. docs/graph.md says what each call does, the permissions each
 * feature needs and the sources.
 * <p>
 * {@link org.smtpdoctor.graph.GraphHttp} is the one HTTP client (timeouts, TLS 1.2+, no redirects,
 * http only to loopback through {@link org.smtpdoctor.graph.GraphEndpoint}, answers redacted);
 * {@link org.smtpdoctor.graph.GraphError} reads Graph's error bodies for the knowledge base
 * (rules/graph.yaml). {@link org.smtpdoctor.graph.GraphMailer} sends one relayed message
 * (sendMail with MIME, or a draft with upload sessions, {@link org.smtpdoctor.graph.GraphMessage}
 * making its headers name the envelope's recipients) and probes a mailbox for
 * {@code relay --check-config}; the relay's side is {@code relay.deliver.GraphUpstream}.
 * {@link org.smtpdoctor.graph.TenantReader} reads policies and sign-ins, and
 * {@link org.smtpdoctor.graph.TenantChecks} turns them into the {@code tenant} command's checks
 * (rules/signin.yaml decodes sign-in entries). Nothing here prints or logs.
 */
package org.smtpdoctor.graph;
