package org.smtpdoctor.smtp;

/** The server sent bytes that are not an SMTP reply. Carries a short, printable excerpt. */
public final class MalformedReplyException extends Exception {
    private final String excerpt;

    public MalformedReplyException(String reason, String excerpt) {
        super(reason + ": \"" + excerpt + "\"");
        this.excerpt = excerpt;
    }

    public String excerpt() {
        return excerpt;
    }
}
