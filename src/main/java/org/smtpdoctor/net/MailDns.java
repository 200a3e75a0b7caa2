package org.smtpdoctor.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS lookups behind the Microsoft 365 relay routes that do not authenticate (Direct Send
 * and inbound connectors, both port 25 to the tenant MX): the domain's MX records, whether
 * they point at Exchange Online Protection, and whether the domain's SPF record authorises
 * the sender.
 *
 * <p>Contract: every lookup sends one query (RD set, UDP with TCP retry on truncation) to the
 * configured servers and returns a {@link MailDnsAnswer} within the timeout (plus scheduling
 * slack). It never throws for anything a DNS server does or does not do; only a syntactically
 * invalid name is an {@link IllegalArgumentException}. Records of the asked type are taken
 * from the answer section whatever their owner name, so an answer that follows a CNAME
 * chain counts as found. No caching, no search list: names are always absolute.
 *
 * <p>Immutable and thread-safe.
 */
public final class MailDns {

    /** The suffixes of Exchange Online Protection MX hosts: worldwide, GCC High/DoD, 21Vianet. */
    private static final List<String> MICROSOFT_MX_SUFFIXES = List.of(
            ".mail.protection.outlook.com",
            ".mail.protection.office365.us",
            ".mail.protection.partner.outlook.cn");

    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final ExtendedResolver resolver;

    /**
     * @param servers DNS servers to ask, in order (at least one)
     * @param port    their port (53 in real life; a free port in tests)
     * @param timeout upper bound for each lookup, whatever the number of servers
     */
    public MailDns(List<InetAddress> servers, int port, Duration timeout) {
        this(timeout, servers.stream().map(a -> new InetSocketAddress(a, port)).toList());
    }

    private MailDns(Duration timeout, List<InetSocketAddress> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS server given");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
        // Each server gets its share of the timeout, so that a silent first server still
        // leaves time for the next one; the whole lookup is capped again in query().
        Duration perServer = timeout.dividedBy(this.servers.size());
        List<org.xbill.DNS.Resolver> simple = new ArrayList<>();
        for (InetSocketAddress s : this.servers) {
            SimpleResolver r = new SimpleResolver(s);
            r.setTimeout(perServer);
            simple.add(r);
        }
        this.resolver = new ExtendedResolver(simple);
        this.resolver.setTimeout(timeout);
        this.resolver.setRetries(1);
    }

    /** The resolvers of this machine (resolv.conf, or the OS equivalent, via dnsjava's {@link ResolverConfig}). */
    public static MailDns system(Duration timeout) {
        List<InetSocketAddress> found = ResolverConfig.getCurrentConfig().servers();
        if (found.isEmpty()) {
            // What the stub resolver of libc does without a nameserver line (resolv.conf(5)).
            found = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), SimpleResolver.DEFAULT_PORT));
        }
        return new MailDns(timeout, found);
    }

    public List<InetSocketAddress> servers() {
        return servers;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The MX records of {@code domain}, lowest preference first (ties by host name). */
    public MailDnsAnswer<List<MailDnsMx>> mx(String domain) {
        return map(query(domain, Type.MX), records -> records.stream()
                .map(r -> (MXRecord) r)
                .map(r -> new MailDnsMx(hostName(r.getTarget()), r.getPriority()))
                .sorted(MailDnsMx.BY_PREFERENCE)
                .toList());
    }

    /**
     * The TXT records of {@code name}, one string per record: the character-strings of a
     * record are joined without separator (RFC 7208 section 3.3, which SPF requires; DKIM
     * keys longer than 255 bytes are split the same way).
     */
    public MailDnsAnswer<List<String>> txt(String name) {
        return map(query(name, Type.TXT), records -> records.stream()
                .map(r -> (TXTRecord) r)
                .map(MailDns::joined)
                .toList());
    }

    /**
     * Every SPF record of {@code domain} (TXT records starting with {@code v=spf1}, RFC 7208
     * section 4.5). More than one is a configuration error that makes SPF evaluation return
     * "permerror"; zero with other TXT records present is {@link MailDnsAnswer.NoData}.
     * Use this to tell "no SPF" from "two SPF records" from "lookup failed".
     */
    public MailDnsAnswer<List<String>> spfRecords(String domain) {
        MailDnsAnswer<List<String>> txt = txt(domain);
        if (txt instanceof MailDnsAnswer.Found<List<String>> found) {
            List<String> spf = found.value().stream().filter(MailDns::isSpfRecord).toList();
            return spf.isEmpty() ? new MailDnsAnswer.NoData<>(domain) : new MailDnsAnswer.Found<>(spf);
        }
        return txt;
    }

    /**
     * The domain's SPF record when it has exactly one. Empty when it has none, when it has
     * several (an error: see {@link #spfRecords(String)}, which tells these cases apart), and
     * when the lookup failed.
     */
    public Optional<String> spf(String domain) {
        return spfRecords(domain).found().filter(l -> l.size() == 1).map(l -> l.get(0));
    }

    /** True when the TXT string is an SPF version 1 record: {@code v=spf1} followed by a space or the end. */
    public static boolean isSpfRecord(String txt) {
        // RFC 7208 section 4.5; the ABNF literal is case-insensitive (RFC 5234 section 2.3).
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    /**
     * True when {@code spf} contains {@code mechanism} as one of its terms. This reads the
     * record; it does not evaluate SPF (no DNS lookups, {@code include:} and
     * {@code redirect=} are not followed).
     *
     * <ul>
     *   <li>Names and domains compare case-insensitively, a trailing dot ignored:
     *       {@code include:spf.protection.outlook.com}.</li>
     *   <li>{@code ip4:} and {@code ip6:} match by CIDR containment: {@code ip4:203.0.113.5}
     *       is included by a term {@code ip4:203.0.113.0/24}; {@code ip4:203.0.113.0/24} by
     *       {@code ip4:203.0.0.0/16}, not by {@code ip4:203.0.113.5}.</li>
     *   <li>A qualifier in {@code mechanism} must match the term's (a term without one is
     *       {@code +}): {@code -all} matches {@code -all} but not {@code ~all}. Without a
     *       qualifier any qualifier matches, so {@code all} matches {@code -all}.</li>
     * </ul>
     * False when {@code spf} is not an SPF record or {@code mechanism} cannot be parsed.
     */
    public static boolean spfIncludes(String spf, String mechanism) {
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(mechanism, "mechanism");
        String record = spf.trim();
        SpfTerm wanted = SpfTerm.parse(mechanism.trim());
        if (!isSpfRecord(record) || wanted == null) {
            return false;
        }
        String[] terms = record.split(" +");
        for (int i = 1; i < terms.length; i++) {
            SpfTerm t = SpfTerm.parse(terms[i]);
            if (t != null && t.covers(wanted)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for the MX host of a Microsoft 365 tenant: {@code <tenant>.mail.protection.outlook.com},
     * and the sovereign clouds' {@code *.mail.protection.office365.us} (GCC High/DoD) and
     * {@code *.mail.protection.partner.outlook.cn} (21Vianet). Case-insensitive, trailing dot allowed.
     */
    public static boolean isMicrosoftMx(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String suffix : MICROSOFT_MX_SUFFIXES) {
            if (h.length() > suffix.length() && h.endsWith(suffix) && h.charAt(0) != '.') {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "MailDns" + servers + " timeout " + timeout.toMillis() + " ms";
    }

    // ---- the one place that talks to DNS

    private MailDnsAnswer<List<Record>> query(String name, int type) {
        Name qname = absoluteName(name);
        Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
        CompletableFuture<Message> pending = resolver.sendAsync(query).toCompletableFuture();
        Message reply;
        try {
            reply = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return timedOut(name, type);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException
                    || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")) {
                return timedOut(name, type);
            }
            return new MailDnsAnswer.Failed<>(name, MailDnsAnswer.Kind.NETWORK_ERROR,
                    Type.string(type) + " " + name + ": " + describe(cause) + " (" + serverList() + ")");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            return new MailDnsAnswer.Failed<>(name, MailDnsAnswer.Kind.NETWORK_ERROR,
                    Type.string(type) + " " + name + ": interrupted");
        }
        int rcode = reply.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return new MailDnsAnswer.NxDomain<>(name);
        }
        if (rcode != Rcode.NOERROR) {
            return new MailDnsAnswer.Failed<>(name, MailDnsAnswer.Kind.SERVER_FAILURE,
                    Type.string(type) + " " + name + ": the DNS server answered " + Rcode.string(rcode));
        }
        List<Record> records = reply.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type).toList();
        return records.isEmpty() ? new MailDnsAnswer.NoData<>(name) : new MailDnsAnswer.Found<>(records);
    }

    private MailDnsAnswer<List<Record>> timedOut(String name, int type) {
        return new MailDnsAnswer.Failed<>(name, MailDnsAnswer.Kind.TIMEOUT, Type.string(type) + " " + name
                + ": no answer from " + serverList() + " within " + timeout.toMillis() + " ms");
    }

    private String serverList() {
        return String.join(", ", servers.stream().map(s -> HostPort.display(s.getAddress(), s.getPort())).toList());
    }

    private static String describe(Throwable t) {
        if (t instanceof PortUnreachableException) {
            // ICMP port unreachable: nothing listens on the DNS port of that host.
            return "port unreachable (no DNS server listening)";
        }
        if (t instanceof java.io.IOException io
                && TcpConnector.classify(io, "").kind() != org.smtpdoctor.smtp.TransportException.Kind.IO) {
            return TcpConnector.classify(io, "").kind().description();
        }
        return t.getMessage() == null ? "the query failed" : t.getMessage();
    }

    private static Name absoluteName(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.trim();
        if (n.isEmpty()) {
            throw new IllegalArgumentException("empty DNS name");
        }
        try {
            return Name.fromString(n.endsWith(".") ? n : n + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name + " (" + e.getMessage() + ")", e);
        }
    }

    private static <T> MailDnsAnswer<T> map(MailDnsAnswer<List<Record>> answer, Function<List<Record>, T> f) {
        if (answer instanceof MailDnsAnswer.Found<List<Record>> found) {
            return new MailDnsAnswer.Found<>(f.apply(found.value()));
        }
        if (answer instanceof MailDnsAnswer.NxDomain<List<Record>> nx) {
            return new MailDnsAnswer.NxDomain<>(nx.name());
        }
        if (answer instanceof MailDnsAnswer.NoData<List<Record>> nd) {
            return new MailDnsAnswer.NoData<>(nd.name());
        }
        MailDnsAnswer.Failed<List<Record>> failed = (MailDnsAnswer.Failed<List<Record>>) answer;
        return new MailDnsAnswer.Failed<>(failed.name(), failed.kind(), failed.message());
    }

    /** Lower case, no trailing dot; the root (a null MX, RFC 7505) becomes ".". */
    private static String hostName(Name name) {
        return name.equals(Name.root) ? "." : name.toString(true).toLowerCase(Locale.ROOT);
    }

    private static String joined(TXTRecord r) {
        StringBuilder sb = new StringBuilder();
        for (byte[] s : r.getStringsAsByteArrays()) {
            sb.append(new String(s, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** One SPF term: a mechanism ({@code [qualifier]name[:value][/cidr]}) or a modifier ({@code name=value}). */
    private record SpfTerm(char qualifier, String name, String value) {

        static SpfTerm parse(String text) {
            if (text.isEmpty()) {
                return null;
            }
            char q = 0;
            String rest = text;
            if ("+-~?".indexOf(rest.charAt(0)) >= 0) {
                q = rest.charAt(0);
                rest = rest.substring(1);
            }
            int cut = 0;
            while (cut < rest.length() && ":=/".indexOf(rest.charAt(cut)) < 0) {
                cut++;
            }
            String name = rest.substring(0, cut).toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                return null;
            }
            String value = cut < rest.length() ? rest.substring(cut + (rest.charAt(cut) == '/' ? 0 : 1)) : "";
            return new SpfTerm(q, name, value);
        }

        /** Whether this term (from the record) covers the wanted one (see {@link MailDns#spfIncludes}). */
        boolean covers(SpfTerm wanted) {
            if (!name.equals(wanted.name)) {
                return false;
            }
            if (wanted.qualifier != 0 && wanted.qualifier != (qualifier == 0 ? '+' : qualifier)) {
                return false;
            }
            if (name.equals("ip4") || name.equals("ip6")) {
                int family = name.equals("ip4") ? Address.IPv4 : Address.IPv6;
                Cidr mine = Cidr.parse(value, family);
                Cidr theirs = Cidr.parse(wanted.value, family);
                return mine != null && theirs != null && mine.contains(theirs);
            }
            return normalised(value).equals(normalised(wanted.value));
        }

        private static String normalised(String v) {
            String s = v.toLowerCase(Locale.ROOT);
            // "include:spf.protection.outlook.com." and without the dot name the same domain.
            return s.endsWith(".") && !s.endsWith("..") ? s.substring(0, s.length() - 1) : s;
        }
    }

    /** An address block, for ip4/ip6 containment (RFC 7208 section 5.6). */
    private record Cidr(byte[] address, int prefix) {

        static Cidr parse(String text, int family) {
            int slash = text.indexOf('/');
            String addr = slash < 0 ? text : text.substring(0, slash);
            int bits = family == Address.IPv4 ? 32 : 128;
            int prefix = bits;
            if (slash >= 0) {
                String len = text.substring(slash + 1);
                if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
                    return null;
                }
                prefix = Integer.parseInt(len);
                if (prefix > bits) {
                    return null;
                }
            }
            // Address.toByteArray parses literals only: it never looks a name up.
            byte[] bytes = Address.toByteArray(addr, family);
            return bytes == null ? null : new Cidr(bytes, prefix);
        }

        /** True when every address of {@code other} is in this block. */
        boolean contains(Cidr other) {
            if (other.prefix < prefix || other.address.length != address.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (other.address[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
