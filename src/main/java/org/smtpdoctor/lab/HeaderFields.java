package org.smtpdoctor.lab;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough RFC 5322 header parsing for the lab: the From addresses (for the Send As
 * check) and the Message-ID (echoed in the acceptance reply). Pure functions; never
 * throws on malformed input, it simply finds nothing.
 */
final class HeaderFields {

    private static final Pattern BRACKETED = Pattern.compile("<([^<>\\s]+@[^<>\\s]+)>");
    private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");
    private static final Pattern BARE = Pattern.compile("([^\\s<>\",;:()]+@[^\\s<>\",;:()]+)");

    private HeaderFields() {
    }

    /** Unfolded header fields ("Name: value") up to the first empty line. */
    static List<String> fields(byte[] message) {
        String text = new String(message, 0, headerLength(message), StandardCharsets.UTF_8);
        List<String> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(' ').append(line.strip()); // RFC 5322 §2.2.3 unfolding
            } else {
                if (current != null) {
                    fields.add(current.toString());
                }
                current = new StringBuilder(line);
            }
        }
        if (current != null) {
            fields.add(current.toString());
        }
        return fields;
    }

    /** Bytes up to and including the blank line that ends the header (the whole message if none). */
    private static int headerLength(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n') {
                int next = i + 1;
                if (next < message.length && message[next] == '\n') {
                    return next;
                }
                if (next + 1 < message.length && message[next] == '\r' && message[next + 1] == '\n') {
                    return next;
                }
            }
        }
        return message.length;
    }

    static Optional<String> value(byte[] message, String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String field : fields(message)) {
            if (field.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                return Optional.of(field.substring(prefix.length()).strip());
            }
        }
        return Optional.empty();
    }

    /** Addresses of the From: field; angle-bracketed ones if any, otherwise bare addr-specs. */
    static List<String> fromAddresses(byte[] message) {
        return value(message, "From").map(HeaderFields::addresses).orElse(List.of());
    }

    /** Addresses of every To, Cc and Bcc field: whom Graph sends a MIME message to. */
    static List<String> recipientAddresses(byte[] message) {
        List<String> out = new ArrayList<>();
        for (String field : fields(message)) {
            String lower = field.toLowerCase(Locale.ROOT);
            for (String name : List.of("to:", "cc:", "bcc:")) {
                if (lower.startsWith(name)) {
                    out.addAll(addresses(field.substring(name.length())));
                }
            }
        }
        return out;
    }

    static List<String> addresses(String value) {
        List<String> out = new ArrayList<>();
        Matcher bracketed = BRACKETED.matcher(value);
        while (bracketed.find()) {
            out.add(bracketed.group(1));
        }
        if (out.isEmpty()) {
            Matcher bare = BARE.matcher(value);
            while (bare.find()) {
                out.add(bare.group(1));
            }
        }
        return out;
    }

    /** The Message-ID with its angle brackets, if the message has a well-formed one. */
    static Optional<String> messageId(byte[] message) {
        return value(message, "Message-ID")
                .map(v -> {
                    Matcher m = MESSAGE_ID.matcher(v);
                    return m.find() ? m.group() : null;
                });
    }
}
