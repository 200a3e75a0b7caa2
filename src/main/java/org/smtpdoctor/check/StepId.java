package org.smtpdoctor.check;

/** The steps of a check, in wire order. Ids are a public interface (JSON {@code steps[].id}). */
public enum StepId {
    CONFIG("config"), DNS("dns"), TCP("tcp"), BANNER("banner"), EHLO("ehlo"), TLS("tls"),
    CERTIFICATE("certificate"), AUTH_MECHANISMS("auth-mechanisms"), TOKEN("token"), AUTH("auth"), MAIL_FROM("mail-from"),
    RCPT_TO("rcpt-to"), DATA("data"),
    /** After the wire: what Microsoft Graph says about the failure (check --tenant-diagnostics). */
    TENANT("tenant");

    private final String id;

    StepId(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
