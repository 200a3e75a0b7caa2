package org.smtpdoctor.relay.service;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.smtpdoctor.relay.config.AdminConfig;
import org.smtpdoctor.relay.config.CertificateSource;
import org.smtpdoctor.relay.config.ConfigException;
import org.smtpdoctor.relay.config.RelayConfig;
import org.smtpdoctor.relay.deliver.UpstreamSettings;
import org.smtpdoctor.relay.deliver.Upstreams;
import org.smtpdoctor.relay.device.RelayServer;
import org.smtpdoctor.relay.device.ServerCertificates;
import org.smtpdoctor.relay.spool.Spool;

/**
 * Everything a start of the relay would fail on, found without starting it: the upstreams'
 * secrets (unset {@code password-env} variables, missing {@code password-file}s, an
 * {@code m365-oauth://} URL without a credential), the listeners' certificates and ports (each
 * bound and released), and the spool (writable, a spool or empty, on a volume larger than its
 * reserve). {@code relay --check-config} runs it, and so does every start before it creates
 * anything, so the two cannot disagree and a failed start leaves nothing behind. Stateless.
 */
public final class StartCheck {

    /** Why the check runs: before a start, or for {@code --check-config} while a relay may be running. */
    public enum Purpose { START, CHECK_ONLY }

    /**
     * @param problems one line each; any one stops the start
     * @param notes    what the user should know that does not stop it
     */
    public record Result(List<String> problems, List<String> notes) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private StartCheck() {
    }

    /** @param env the environment the relay reads {@code password-env} and {@code client-secret-env} from */
    public static Result run(RelayConfig config, Map<String, String> env, Purpose purpose) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Spool.Check spool = Spool.check(config.spoolDir(), config.spoolReserve());
        problems.addAll(spool.problems());
        notes.addAll(spool.notes());
        problems.addAll(Upstreams.problems(config.upstreams(), UpstreamSettings.defaults(config.hostName()).withEnv(env)));
        List<String> listeners = new ArrayList<>(RelayServer.problems(config));
        listeners.addAll(consoleProblems(config));
        if (spool.heldBy().isPresent()) {
            long pid = spool.heldBy().getAsLong();
            String who = "a relay (" + (pid < 0 ? "another process" : "process " + pid) + ") runs on the spool " + config.spoolDir();
            if (purpose == Purpose.START) {
                problems.add(who + "; stop it first (one relay per spool)");
            } else {
                // Its ports are most likely the ones it listens on: what matters is whether they are free once it stops.
                notes.add(who + " now; ports it holds are checked again at the start");
                listeners = listeners.stream().filter(p -> !p.contains("address in use")).toList();
            }
        }
        problems.addAll(listeners);
        return new Result(List.copyOf(problems), List.copyOf(notes));
    }

    /** The console's: its certificate (a PEM or PKCS#12 file, when HTTPS) and its port. */
    static List<String> consoleProblems(RelayConfig config) {
        List<String> out = new ArrayList<>();
        if (config.admin().isEmpty()) {
            return out;
        }
        AdminConfig a = config.admin().get();
        if (a.https() && !(a.certificate() instanceof CertificateSource.SelfSigned)) {
            try {
                ServerCertificates.context(a.certificate(), config.hostName(), "admin.certificate");
            } catch (ConfigException e) {
                out.add(e.getMessage());
            }
        }
        if (a.port() != 0) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(InetAddress.getByName(a.address()), a.port()), 1);
            } catch (IOException e) {
                out.add("the console cannot listen on " + a.hostPort() + " (" + (e instanceof BindException
                        && String.valueOf(e.getMessage()).contains("in use") ? "address in use: another program holds it"
                        : e.getMessage()) + ")");
            }
        }
        return out;
    }
}
