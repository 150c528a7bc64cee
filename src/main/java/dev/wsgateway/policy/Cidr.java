package dev.wsgateway.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address range ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or one address). Only
 * literals are accepted: nothing here ever resolves a host name. IPv4-mapped IPv6 addresses match their
 * IPv4 ranges.
 */
public record Cidr(byte[] network, int prefix, String text) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]*:[0-9A-Fa-f:.]*");

    /** Parses a range; {@link IllegalArgumentException} with a readable message when it is not one. */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0-" + max);
            }
        }
        return new Cidr(mask(bytes, prefix), prefix, t);
    }

    /** The address's bytes (4 for IPv4 and IPv4-mapped IPv6, else 16), or null when it is not a literal. */
    public static byte[] literal(String address) {
        if (address == null) {
            return null;
        }
        String a = address.trim();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        boolean v4 = IPV4.matcher(a).matches();
        if (!v4 && !IPV6.matcher(a).matches()) {
            return null;
        }
        if (v4) {
            for (String part : a.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            // Only text starting with a hex digit or ':' is parsed as a literal by InetAddress; anything else
            // (".a:b") would go to the resolver, which is why IPV6 requires that start.
            return InetAddress.getByName(a).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - bits));
        }
        return masked;
    }

    public boolean contains(String address) {
        byte[] bytes = literal(address);
        return bytes != null && bytes.length == network.length && java.util.Arrays.equals(mask(bytes, prefix), network);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }
}
