package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@link CheckLine}, check's command line read without picocli, must read exactly what picocli
 * reads, and leave to picocli everything else.
 */
class CheckLineTest {

    /** picocli's model of check: every option but help, version and the refused --password. */
    private static List<OptionSpec> picocliOptions() {
        List<OptionSpec> options = new ArrayList<>(new CommandLine(new CheckCommand()).getCommandSpec().options());
        options.removeIf(o -> Arrays.asList(o.names()).stream().anyMatch(n -> Set.of("--help", "--version", "--password").contains(n)));
        return options;
    }

    @Test
    void the_table_has_every_option_of_picocli_s_model_with_the_same_names_and_arity() {
        Set<String> names = new HashSet<>();
        for (OptionSpec o : picocliOptions()) {
            for (String n : o.names()) {
                names.add(n);
                assertThat(CheckLine.canonical(n)).as(n).isEqualTo(o.longestName());
            }
            assertThat(CheckLine.FLAGS.contains(o.longestName())).as("%s is a flag", o.longestName()).isEqualTo(o.arity().max() == 0);
        }
        Set<String> table = new HashSet<>(CheckLine.FLAGS);
        table.addAll(CheckLine.VALUES);
        table.addAll(List.of("-u", "-f", "-t"));
        assertThat(table).isEqualTo(names);
    }

    /** A value of the option's type. */
    private static String valueFor(OptionSpec o) {
        Class<?> type = o.type();
        if (type == Integer.class || type == int.class) {
            return "25";
        }
        return type == Path.class ? "/srv/files/" + o.longestName().substring(2) + ".pem" : "v" + o.longestName();
    }

    private static List<List<String>> commandLines() {
        List<List<String>> lines = new ArrayList<>();
        List<String> everyOption = new ArrayList<>(List.of("check"));
        for (OptionSpec o : picocliOptions()) {
            everyOption.add(o.names()[0]); // the short name where there is one
            if (o.arity().max() > 0) {
                everyOption.add(valueFor(o));
            }
        }
        lines.add(everyOption);
        lines.add(List.of("check", "--lab", "security-defaults"));
        lines.add(List.of("check", "--preset", "m365", "-u", "scanner@contoso.com", "--password-env", "SMTP_PASSWORD", "-t", "you@contoso.com"));
        lines.add(List.of("check", "--host=mail.example.org", "--port=465", "--security", "tls", "--no-auth", "--json"));
        lines.add(List.of("check", "--host", "[2001:db8::25]:587", "--user=", "--timeout", "3", "--html", "report.html", "--no-color"));
        lines.add(List.of("check", "--preset", "m365", "-u", "scanner@contoso.com", "-t", "you@contoso.com", "--tenant",
                "contoso.onmicrosoft.com", "--client-id", "APP_ID", "--client-secret-env", "APP_SECRET", "--cloud", "gcc-high"));
        return lines;
    }

    private static List<Field> optionFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (f.isAnnotationPresent(CommandLine.Option.class)) {
                f.setAccessible(true);
                fields.add(f);
            }
        }
        return fields;
    }

    private static void assertSameOptions(Object fast, Object picocli, String line) throws Exception {
        for (Field f : optionFields(fast.getClass())) {
            assertThat(f.get(fast)).as("%s in %s", f.getName(), line).isEqualTo(f.get(picocli));
        }
    }

    @Test
    void every_option_of_a_command_line_gets_the_value_picocli_gives_it_and_counts_as_given_as_in_picocli() throws Exception {
        for (List<String> line : commandLines()) {
            String[] args = line.toArray(String[]::new);
            CheckCommand fast = CheckLine.read(args);
            assertThat(fast).as("read without picocli: %s", line).isNotNull();
            CheckCommand slow = new CheckCommand();
            CommandLine.ParseResult parsed = new CommandLine(slow).parseArgs(Arrays.copyOfRange(args, 1, args.length));
            assertSameOptions(fast, slow, line.toString());
            assertSameOptions(fast.oauth, slow.oauth, line.toString());
            assertSameOptions(fast.html, slow.html, line.toString());
            for (OptionSpec o : picocliOptions()) {
                for (String n : o.names()) {
                    assertThat(fast.given.contains(n)).as("%s given in %s", n, line).isEqualTo(parsed.hasMatchedOption(n));
                }
            }
        }
    }

    @Test
    void anything_unusual_is_left_to_picocli() {
        for (List<String> line : List.<List<String>>of(
                List.of("check", "--help"), List.of("check", "-h"), List.of("check", "--version"), List.of("check", "-V"),
                List.of("check", "--password", "hunter2"), List.of("check", "-p"), List.of("check", "--frobnicate"),
                List.of("check", "--host", "a", "--host", "b"), List.of("check", "-u", "a", "--user", "b"),
                List.of("check", "--host"), List.of("check", "--host", "--port", "25"), List.of("check", "--user", "-x"),
                List.of("check", "@options.txt"), List.of("check", "--lab", "healthy", "--"), List.of("check", "--json=true"),
                List.of("check", "--port", "abc"), List.of("check", "--port", "-1"), List.of("check", "--port", "0x19"),
                List.of("check", "--port", "+25"), List.of("check", "--timeout", "99999999999"), List.of("check", "mail.example.org"),
                List.of("check", "-uscanner"), List.of("check", "--trust-cert", "a\0b"), List.of("explain", "--json"), List.of())) {
            assertThat(CheckLine.read(line.toArray(String[]::new))).as("%s", line).isNull();
        }
    }

    @Test
    void a_check_read_without_picocli_reports_its_errors_as_picocli_s_handler_does() {
        Cli.Run words = Cli.run("check", "--host", "127.0.0.1", "--no-auth", "--user", "scanner@contoso.com");
        assertThat(words.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(words.err()).isEqualTo("smtp-doctor: --no-auth skips AUTH, so --user has nothing to do: drop one or the other\n");
        Cli.Run json = Cli.run("check", "--host", "127.0.0.1", "--no-auth", "-u", "scanner@contoso.com", "--json");
        assertThat(json.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(json.out()).contains("\"error_kind\" : \"usage\"", "--no-auth skips AUTH, so --user has nothing to do");
    }
}
