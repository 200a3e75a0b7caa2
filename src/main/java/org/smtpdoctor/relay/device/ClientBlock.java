package org.smtpdoctor.relay.device;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The unit the relay counts a client by for its per-address limits (connections, failed AUTHs):
 * an IPv4 address, or an IPv6 address's /64. One host usually has a whole /64 to itself and can
 * pick any address in it (SLAAC privacy addresses, RFC 8981), so counting single IPv6 addresses
 * would give one machine billions of shares. An IPv4-mapped IPv6 address counts as its IPv4
 * address. Stateless.
 */
final class ClientBlock {

    private ClientBlock() {
    }

    static InetAddress of(InetAddress client) {
        if (client instanceof Inet4Address || !(client instanceof Inet6Address)) {
            return client;
        }
        byte[] a = client.getAddress();
        try {
            if (isV4Mapped(a)) {
                return InetAddress.getByAddress(Arrays.copyOfRange(a, 12, 16));
            }
            Arrays.fill(a, 8, 16, (byte) 0);
            return InetAddress.getByAddress(a); // no scope id: the block, not the interface
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
    }

    /** How logs show the block: the address, or {@code 2001:db8:1:2::/64}. */
    static String describe(InetAddress block) {
        return block instanceof Inet6Address ? block.getHostAddress().replaceAll("(:0)+$", "::").replace(":::", "::") + "/64"
                : block.getHostAddress();
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF;
    }
}
