package org.smtpdoctor.relay.config;

/**
 * Where a server of the relay listens: {@code HOST:PORT}, {@code [v6]:PORT} or {@code PORT} (then
 * 127.0.0.1), the host an IP address (no name is looked up). Shared by {@code --listen} and the
 * console's {@code admin.listen}. Immutable.
 */
public record ListenAddress(String host, int port) {

    /**
     * @param example     shown when the form is wrong, e.g. {@code 0.0.0.0:2525 or 192.168.1.10:25}
     * @param addressHint shown when the host is not an IP address, e.g. {@code 0.0.0.0 for all IPv4 interfaces}
     * @throws IllegalArgumentException with what is wrong, for the user
     */
    public static ListenAddress parse(String text, String example, String addressHint) {
        String t = text.strip();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("expected [IPv6]:PORT");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else if (t.matches("\\d+")) {
            host = "127.0.0.1";
            port = t;
        } else {
            int colon = t.lastIndexOf(':');
            if (colon < 0 || t.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected HOST:PORT, e.g. " + example);
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("the port must be 0-65535");
        }
        if (!RelayConfigReader.isIpLiteral(host)) {
            throw new IllegalArgumentException("the address must be an IP address (" + addressHint + ")");
        }
        return new ListenAddress(host, Integer.parseInt(port));
    }
}
