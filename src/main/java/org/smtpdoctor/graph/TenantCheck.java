package org.smtpdoctor.graph;

import java.util.List;
import java.util.Optional;
import org.smtpdoctor.check.Status;
import org.smtpdoctor.diagnosis.Diagnosis;

/**
 * One read-only check of {@code smtp-doctor tenant}: what it found, the Graph permission it
 * needs (it is skipped with that reason when the permission is missing), and the diagnosis when
 * it found something that blocks SMTP AUTH. Immutable.
 *
 * @param id         stable: token, security-defaults, conditional-access, sign-ins, app-sign-ins, exchange-settings
 * @param permission the Graph permission the read needs, or empty when none
 */
public record TenantCheck(String id, Status status, String summary, List<String> details, Optional<String> permission,
                          Optional<Diagnosis> diagnosis) {

    public TenantCheck {
        details = List.copyOf(details);
    }
}
