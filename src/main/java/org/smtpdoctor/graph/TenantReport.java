package org.smtpdoctor.graph;

import java.util.List;
import java.util.Optional;
import org.smtpdoctor.check.Status;
import org.smtpdoctor.diagnosis.Diagnosis;

/**
 * What {@code smtp-doctor tenant} found: every check in order, the verdict (FAIL when a check
 * failed, WARN when one warned) and the diagnosis that decides it: Microsoft's own verdict on
 * the user's latest SMTP sign-in first, then Security Defaults, then Conditional Access.
 * Immutable.
 */
public record TenantReport(String tenant, Optional<String> user, String graph, List<TenantCheck> checks, Status verdict,
                           Optional<Diagnosis> diagnosis) {

    public TenantReport {
        checks = List.copyOf(checks);
    }
}
