package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * What can be tested of the Windows and container packaging on Linux: the files are well formed,
 * and the relay accepts the command lines they run (with --check-config).
 */
class PackagingTest {

    @TempDir
    Path dir;

    /** A configuration whose start needs nothing from this machine (no secret, port 0). */
    static final String CONFIG = String.join("\n", "listeners:", "  - port: 0", "devices:", "  - name: lan", "    networks: [192.168.1.0/24]",
            "upstream: [\"smtp://smarthost.example.com\"]", "spool: /var/lib/smtp-doctor/spool", "admin:", "  listen: 127.0.0.1:0", "");

    @Test
    void the_winsw_configuration_is_well_formed_and_runs_a_command_line_the_relay_accepts() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document xml = f.newDocumentBuilder().parse(Path.of("packaging/windows/smtp-doctor-relay.xml").toFile());
        assertThat(text(xml, "id")).isEqualTo("smtp-doctor-relay");
        assertThat(text(xml, "executable")).isEqualTo("%JAVA_HOME%\\bin\\java.exe");
        assertThat(text(xml, "stoptimeout")).isEqualTo("60 sec");
        assertThat(xml.getElementsByTagName("onfailure").item(0).getAttributes().getNamedItem("action").getNodeValue()).isEqualTo("restart");
        Path base = Files.createDirectories(dir.resolve("Program Files/smtp-doctor"));
        Files.writeString(base.resolve("relay.yaml"), CONFIG);
        String arguments = text(xml, "arguments").replace("%BASE%", base.toString()).replace("%ProgramData%", dir.resolve("ProgramData").toString())
                .replace('\\', '/');
        assertThat(arguments).startsWith(RelayInstallServiceCommand.JVM_OPTIONS + " -jar ");
        List<String> args = relayArguments(split(arguments));
        assertThat(args.get(0)).isEqualTo("relay");
        args.add("--check-config");
        Cli.Run r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Configuration OK.", "spool       " + dir.resolve("ProgramData/smtp-doctor/spool"));
    }

    @Test
    void the_container_runs_as_a_non_root_user_with_the_spool_on_a_volume_and_a_command_line_the_relay_accepts() throws Exception {
        String docker = Files.readString(Path.of("packaging/Dockerfile"));
        assertThat(docker).contains("\nUSER 10025:10025\n", "VOLUME [\"/var/lib/smtp-doctor\"]", "EXPOSE 2525 8025", "STOPSIGNAL SIGTERM");
        assertThat(last(docker, "USER")).doesNotStartWith("root").doesNotStartWith("0");
        List<String> entry = json(last(docker, "ENTRYPOINT"));
        List<String> cmd = json(last(docker, "CMD"));
        assertThat(entry).startsWith("java").contains("-jar", "/opt/smtp-doctor/smtp-doctor.jar");
        assertThat(String.join(" ", entry)).isEqualTo("java " + RelayInstallServiceCommand.JVM_OPTIONS + " -jar /opt/smtp-doctor/smtp-doctor.jar");
        assertThat(cmd).containsSequence("--spool", "/var/lib/smtp-doctor/spool");
        assertThat(json(last(docker, "HEALTHCHECK").replaceFirst("^.*CMD ", ""))).containsSequence("relay", "status", "--spool",
                "/var/lib/smtp-doctor/spool");
        Path config = Files.writeString(dir.resolve("relay.yaml"), CONFIG);
        List<String> args = new ArrayList<>(cmd);
        args.set(args.indexOf("/etc/smtp-doctor/relay.yaml"), config.toString());
        args.set(args.indexOf("/var/lib/smtp-doctor/spool"), dir.resolve("spool").toString());
        args.add("--check-config");
        Cli.Run r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
    }

    @Test
    void the_benchmarks_start_the_relay_with_the_options_it_is_installed_with() throws Exception {
        assertThat(Files.readString(Path.of("bench/procs.sh"))).contains("\nRELAY_JVM_OPTIONS=\"" + RelayInstallServiceCommand.JVM_OPTIONS + "\"\n");
        for (String script : List.of("bench/relay-vs-postfix.sh", "bench/idle-connections.sh", "bench/soak.sh")) {
            assertThat(Files.readString(Path.of(script))).as(script).contains("RELAY_JAVA_OPTS=\"${RELAY_JAVA_OPTS:-$RELAY_JVM_OPTIONS}\"");
        }
    }

    private static String text(Document xml, String tag) {
        return xml.getElementsByTagName(tag).item(0).getTextContent().strip();
    }

    /** The arguments after {@code -jar JAR}. */
    private static List<String> relayArguments(List<String> all) {
        int jar = all.indexOf("-jar");
        return new ArrayList<>(all.subList(jar + 2, all.size()));
    }

    /** Splits like Windows' command line: spaces separate, double quotes group. */
    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    /** The last instruction of this kind, joined over line continuations, without its keyword. */
    private static String last(String dockerfile, String instruction) {
        String joined = dockerfile.replace("\\\n", " ");
        String found = null;
        for (String line : joined.lines().toList()) {
            if (line.startsWith(instruction + " ")) {
                found = line.substring(instruction.length() + 1).strip();
            }
        }
        return found;
    }

    private static List<String> json(String exec) throws Exception {
        List<String> out = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(exec.substring(exec.indexOf('['))).forEach(n -> out.add(n.asText()));
        return out;
    }
}
