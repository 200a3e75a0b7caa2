package org.smtpdoctor.check;

import java.util.List;
import java.util.Optional;
import org.smtpdoctor.oauth.MicrosoftCloud;
import org.smtpdoctor.smtp.Security;

/**
 * A well-known submission endpoint: what users mean by "the Microsoft 365 settings". A
 * preset whose host is {@link #MX_OF_DOMAIN} connects to the MX of {@code --domain}
 * (Direct Send and connectors: port 25 to Exchange Online Protection). Immutable.
 */
public record Preset(String name, String host, int port, Security security, String description, Optional<MicrosoftCloud> cloud) {

    public Preset(String name, String host, int port, Security security, String description) {
        this(name, host, port, security, description, Optional.empty());
    }

    /** SMTP AUTH client submission in a Microsoft cloud: its host from {@link MicrosoftCloud}, 587, STARTTLS. */
    private static Preset submission(String name, MicrosoftCloud cloud) {
        return new Preset(name, cloud.smtpHost(), MicrosoftCloud.SMTP_PORT, Security.STARTTLS,
                cloud.title() + " SMTP AUTH client submission", Optional.of(cloud));
    }

    /** The host of the Direct Send and connector presets: the MX of --domain. */
    public static final String MX_OF_DOMAIN = "(MX of --domain)";

    public boolean usesMx() {
        return MX_OF_DOMAIN.equals(host);
    }


    /** The presets, in the order {@code --help} lists them. */
    public static final List<Preset> ALL = List.of(
            submission("m365", MicrosoftCloud.GLOBAL),
            new Preset("m365-hve", "smtp-hve.office365.com", 587, Security.STARTTLS,
                    "Microsoft 365 High Volume Email"),
            new Preset("m365-direct-send", MX_OF_DOMAIN, 25, Security.STARTTLS,
                    "Microsoft 365 Direct Send: port 25 to the tenant MX, no AUTH (needs --domain)"),
            new Preset("m365-connector", MX_OF_DOMAIN, 25, Security.STARTTLS,
                    "Microsoft 365 inbound connector (SMTP relay): port 25 to the tenant MX, no AUTH (needs --domain)"),
            new Preset("m365-legacy", "smtp-legacy.office365.com", 587, Security.STARTTLS,
                    "Microsoft 365 opt-in endpoint for legacy TLS clients"),
            submission("m365-gcc", MicrosoftCloud.GCC),
            submission("m365-gcc-high", MicrosoftCloud.GCC_HIGH),
            submission("m365-dod", MicrosoftCloud.DOD),
            submission("m365-china", MicrosoftCloud.CHINA),
            new Preset("outlook-com", "smtp-mail.outlook.com", 587, Security.STARTTLS,
                    "Outlook.com / Hotmail consumer accounts"),
            new Preset("gmail", "smtp.gmail.com", 587, Security.STARTTLS, "Google Gmail / Workspace"),
            new Preset("gmail-ssl", "smtp.gmail.com", 465, Security.TLS, "Google Gmail / Workspace, implicit TLS"),
            new Preset("google-relay", "smtp-relay.gmail.com", 587, Security.STARTTLS, "Google Workspace SMTP relay"),
            new Preset("yahoo", "smtp.mail.yahoo.com", 465, Security.TLS, "Yahoo Mail"),
            new Preset("icloud", "smtp.mail.me.com", 587, Security.STARTTLS, "Apple iCloud Mail"),
            new Preset("zoho", "smtp.zoho.com", 465, Security.TLS, "Zoho Mail"),
            new Preset("sendgrid", "smtp.sendgrid.net", 587, Security.STARTTLS, "Twilio SendGrid"),
            new Preset("ses-us-east-1", "email-smtp.us-east-1.amazonaws.com", 587, Security.STARTTLS,
                    "Amazon SES, us-east-1"));

    public static Optional<Preset> byName(String name) {
        return ALL.stream().filter(p -> p.name.equalsIgnoreCase(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", ALL.stream().map(Preset::name).toList());
    }
}
