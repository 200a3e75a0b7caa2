package org.smtpdoctor.peers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the real {@code swaks} client. Under TLS its transcript marks lines {@code ~>} / {@code <~}
 * instead of {@code ->} / {@code <-}; error replies are marked {@code <~*} / {@code <-*}.
 */
public final class Swaks {

    /**
     * Outcome of one swaks run.
     *
     * @param exitCode swaks' exit code (0 = success; 28 = auth failed, 24 = RCPT failed, ...);
     *                 -1 when killed on timeout
     * @param output   stdout + stderr (the SMTP transcript)
     */
    public record Result(int exitCode, String output, boolean timedOut) {
        /** Server reply lines (both {@code <-} and {@code <~}), without the marker. */
        public List<String> serverLines() {
            List<String> lines = new ArrayList<>();
            for (String l : output.split("\\R")) {
                if (l.startsWith("<-") || l.startsWith("<~")) {
                    String s = l.substring(2);
                    if (s.startsWith("*")) {
                        s = s.substring(1);
                    }
                    lines.add(s.strip());
                }
            }
            return lines;
        }

        /**
         * The EHLO keywords (e.g. {@code "AUTH PLAIN LOGIN"}, {@code "STARTTLS"}) of the <em>last</em>
         * multi-line 250 reply in the transcript, i.e. the last EHLO answer (after STARTTLS when
         * {@code --tls} was used). The first line (the server's name) is left out.
         */
        public List<String> lastEhloKeywords() {
            List<String> last = List.of();
            List<String> group = new ArrayList<>();
            for (String s : serverLines()) {
                if (s.startsWith("250-")) {
                    group.add(s.substring(4).strip());
                } else if (s.startsWith("250 ") || s.equals("250")) {
                    group.add(s.length() > 4 ? s.substring(4).strip() : "");
                    if (group.size() > 1) {
                        last = List.copyOf(group.subList(1, group.size()));
                    }
                    group.clear();
                } else {
                    group.clear();
                }
            }
            return last;
        }

        @Override
        public String toString() {
            return "swaks exit=" + exitCode + (timedOut ? " (TIMED OUT)" : "") + "\n" + output;
        }
    }

    private Swaks() {
    }

    /** Runs {@code swaks ARGS} (do not include "swaks" itself) with a hard timeout. */
    public static Result run(List<String> args, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Peers.findExecutable("swaks").toString());
        cmd.addAll(args);
        Exec.Result r = Exec.run(cmd, timeout);
        return new Result(r.exitCode(), r.output(), r.timedOut());
    }

    /** Convenience: arguments to talk to a {@link PostfixPeer} ({@code --server 127.0.0.1:PORT}). */
    public static List<String> server(PostfixPeer peer) {
        return List.of("--server", peer.host() + ":" + peer.port());
    }
}
