package org.smtpdoctor.oauth;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Microsoft 365 clouds and where each one's mail submission, sign-in and Graph live: the
 * one table that {@code check}'s presets, the relay's {@code m365-oauth://} upstream and the
 * token audience check all read. Sources (docs/delivery.md, "Microsoft clouds"):
 * <ul>
 *   <li>Entra authorities and Graph hosts: Microsoft Graph "national cloud deployments"
 *       (microsoft-graph-docs concepts/deployments.md), which also says GCC uses the worldwide
 *       endpoints.</li>
 *   <li>SMTP hosts: "How to set up a multifunction device or application to send email using
 *       Microsoft 365" (worldwide {@code smtp.office365.com:587}) and the Microsoft 365 endpoint
 *       lists for GCC High ({@code outlook.office365.us}, TCP 587), DoD
 *       ({@code outlook-dod.office365.us}, TCP 587) and 21Vianet ({@code *.partner.outlook.cn};
 *       {@code smtp-legacy.partner.outlook.cn} is named as the twin of {@code smtp-legacy.office365.com}
 *       in "Opt in to the Exchange Online endpoint for legacy TLS clients").</li>
 *   <li>Exchange Online resources (token audience, {@code RESOURCE/.default} scope): worldwide from
 *       "Authenticate an IMAP, POP or SMTP connection using OAuth"; the government and 21Vianet
 *       ones are the Exchange Online hosts of those clouds, as Microsoft's ExchangeOnlineManagement
 *       module requests them (not stated on a Learn page we could find).</li>
 * </ul>
 * Immutable.
 */
public enum MicrosoftCloud {

    GLOBAL("global", "Microsoft 365 worldwide", "smtp.office365.com", "https://login.microsoftonline.com",
            "https://outlook.office365.com", List.of("https://outlook.office.com"), "https://graph.microsoft.com"),
    GCC("gcc", "Microsoft 365 GCC", "smtp.office365.com", "https://login.microsoftonline.com",
            "https://outlook.office365.com", List.of("https://outlook.office.com"), "https://graph.microsoft.com"),
    GCC_HIGH("gcc-high", "Microsoft 365 GCC High", "outlook.office365.us", "https://login.microsoftonline.us",
            "https://outlook.office365.us", List.of(), "https://graph.microsoft.us"),
    DOD("dod", "Microsoft 365 DoD", "outlook-dod.office365.us", "https://login.microsoftonline.us",
            "https://outlook-dod.office365.us", List.of(), "https://dod-graph.microsoft.us"),
    CHINA("china", "Microsoft 365 operated by 21Vianet", "smtp.partner.outlook.cn", "https://login.chinacloudapi.cn",
            "https://partner.outlook.cn", List.of(), "https://microsoftgraph.chinacloudapi.cn");

    /** Exchange Online's application id: the same in every cloud, and an accepted audience everywhere. */
    public static final String EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000";
    /** Microsoft Graph's application id: the same in every cloud, and an accepted audience everywhere. */
    public static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
    /** SMTP AUTH client submission: STARTTLS on 587 in every cloud. */
    public static final int SMTP_PORT = 587;

    private final String id;
    private final String title;
    private final String smtpHost;
    private final URI authority;
    private final String exchangeResource;
    private final List<String> otherExchangeAudiences;
    private final URI graph;

    MicrosoftCloud(String id, String title, String smtpHost, String authority, String exchangeResource,
            List<String> otherExchangeAudiences, String graph) {
        this.id = id;
        this.title = title;
        this.smtpHost = smtpHost;
        this.authority = URI.create(authority);
        this.exchangeResource = exchangeResource;
        this.otherExchangeAudiences = otherExchangeAudiences;
        this.graph = URI.create(graph);
    }

    /** The name in URLs and flags: global, gcc, gcc-high, dod, china. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** Where SMTP AUTH client submission goes (port {@link #SMTP_PORT}, STARTTLS). */
    public String smtpHost() {
        return smtpHost;
    }

    /** The Entra sign-in host (without tenant). */
    public URI authority() {
        return authority;
    }

    /** Microsoft Graph's host in this cloud (national cloud deployments). */
    public URI graph() {
        return graph;
    }

    /**
     * What an app asks for to call Microsoft Graph with its application permissions (client
     * credentials): the cloud's Graph resource with {@code /.default}, whose token's audience is
     * that resource ("national cloud deployments": each cloud's Graph has its own app-only scope).
     */
    public String graphScope() {
        return graph + "/.default";
    }

    /** Graph audiences this cloud's Graph accepts: its resource URI and Graph's application id. */
    public List<String> graphAudiences() {
        return List.of(graph.toString(), GRAPH_APP_ID);
    }

    /** Exchange Online's resource URI in this cloud: the audience of an app-only SMTP token. */
    public String exchangeResource() {
        return exchangeResource;
    }

    /** What an app asks for to send with SMTP AUTH XOAUTH2 (client credentials). */
    public String appOnlyScope() {
        return exchangeResource + "/.default";
    }

    /** What a user's app asks for (device code flow), with a refresh token. */
    public String delegatedScope() {
        String resource = this == GLOBAL || this == GCC ? "https://outlook.office.com" : exchangeResource;
        return resource + "/SMTP.Send offline_access";
    }

    /** Audiences Exchange Online in this cloud accepts: its resource URIs and its application id. */
    public List<String> exchangeAudiences() {
        List<String> out = new java.util.ArrayList<>();
        out.add(exchangeResource);
        out.addAll(otherExchangeAudiences);
        out.add(EXCHANGE_APP_ID);
        return out;
    }

    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(MicrosoftCloud::id).toList());
    }

    public static Optional<MicrosoftCloud> byId(String id) {
        String key = id.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.id.equals(key)).findFirst();
    }

    /**
     * The cloud whose Exchange Online a token is for, from its audience: each cloud's resource
     * URI names it (GCC shares the worldwide one, so it is reported as worldwide); Exchange's
     * application id, the same everywhere, names none.
     */
    public static Optional<MicrosoftCloud> ofAudience(Optional<String> audience) {
        String aud = audience.map(a -> a.toLowerCase(Locale.ROOT).replaceAll("/$", "")).orElse("");
        return List.of(GLOBAL, GCC_HIGH, DOD, CHINA).stream()
                .filter(c -> c.exchangeResource.equals(aud) || c.otherExchangeAudiences.contains(aud)).findFirst();
    }

    /** Any cloud's Exchange Online audience (a resource URI or the application id). */
    public static boolean isExchangeAudience(String audience) {
        String aud = audience.toLowerCase(Locale.ROOT).replaceAll("/$", "");
        return aud.equals(EXCHANGE_APP_ID) || ofAudience(Optional.of(aud)).isPresent();
    }
}
