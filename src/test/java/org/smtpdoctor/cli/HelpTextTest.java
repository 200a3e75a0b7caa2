package org.smtpdoctor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Every command's --help, and the README: as wide as asked, no word ever cut, and every example
 * command valid shell that parses; the ones that can run offline or against the lab are run.
 */
class HelpTextTest {

    /** Every command's path below smtp-doctor ("", "check", "relay status", ...). */
    private static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(SmtpDoctorCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())),
                new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine c, List<String> path, List<List<String>> paths) {
        paths.add(List.copyOf(path));
        c.getSubcommands().forEach((name, sub) -> {
            if (!path.contains(name)) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, paths);
            }
        });
    }

    private static String help(List<String> path, int columns) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("COLUMNS", String.valueOf(columns));
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        Cli.Run run = Cli.runWith(env, args.toArray(String[]::new));
        assertThat(run.exit()).as(String.join(" ", args)).isZero();
        assertThat(run.err()).as("stderr of " + args).isEmpty();
        return run.out();
    }

    private static CommandSpec spec(List<String> path) {
        CommandLine c = SmtpDoctorCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        for (String name : path) {
            c = c.getSubcommands().get(name);
        }
        return c.getCommandSpec();
    }

    @Test
    void noColorTurnsColourOffInHelpToo() {
        org.smtpdoctor.report.TerminalStyle colourTerminal = new org.smtpdoctor.report.TerminalStyle(true, true);
        assertThat(SmtpDoctorCommand.colorOff(colourTerminal, "check", "--help")).isFalse();
        assertThat(SmtpDoctorCommand.colorOff(colourTerminal, "check", "--help", "--no-color")).isTrue();
        assertThat(SmtpDoctorCommand.colorOff(colourTerminal, "explain", "--", "--no-color")).as("after --, a value").isFalse();
        assertThat(SmtpDoctorCommand.colorOff(org.smtpdoctor.report.TerminalStyle.PLAIN, "check", "--help")).isTrue();
        StringWriter coloured = new StringWriter();
        SmtpDoctorCommand.commandLine(new PrintWriter(coloured), new PrintWriter(new StringWriter()), Map.of(), false)
                .execute("check", "--help");
        assertThat(coloured.toString()).as("picocli's ANSI styles when colour is on").contains("\u001b[");
        for (String[] args : List.of(new String[] {"check", "--help", "--no-color"}, new String[] {"tls", "--no-color", "--help"},
                new String[] {"relay", "status", "--help", "--no-color"}, new String[] {"help", "--no-color", "queue", "list"})) {
            StringWriter out = new StringWriter();
            int exit = SmtpDoctorCommand.commandLine(new PrintWriter(out), new PrintWriter(new StringWriter()), Map.of(),
                    SmtpDoctorCommand.colorOff(colourTerminal, args)).execute(args);
            assertThat(exit).isZero();
            assertThat(out.toString()).as(String.join(" ", args)).contains("Usage:").doesNotContain("\u001b[");
        }
    }

    @Test
    void helpFollowsThePathOfSubcommands() {
        Cli.Run list = Cli.run("help", "queue", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).startsWith("One line per recipient").contains("Usage: smtp-doctor queue list");
        assertThat(Cli.run("help", "relay", "status").out()).contains("Usage: smtp-doctor relay status");
        assertThat(Cli.run("help").out()).contains("Usage: smtp-doctor [OPTIONS] [COMMAND]");
        Cli.Run typo = Cli.run("help", "queue", "lst");
        assertThat(typo.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(typo.err()).contains("unknown command 'lst' in smtp-doctor queue. Did you mean list?");
    }

    @Test
    void aPercentSignInAnExampleNeedsNoEscapingAndWarnsNothing() throws Exception {
        // picocli's warnings go to the process's own stderr, so this runs as a process.
        ProcessTest.Result run = ProcessTest.run(Map.of("COLUMNS", "80"), "relay", "hash-password", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("  printf '%s\\n' \"$NAS_PASSWORD\" | smtp-doctor relay hash-password\n");
    }

    @Test
    void helpIsAsWideAsColumnsSaysAndEightyWithoutIt() {
        String narrow = help(List.of("check"), 80);
        String wide = help(List.of("check"), 160);
        assertThat(longestProse(narrow)).isLessThanOrEqualTo(80);
        assertThat(longestProse(wide)).isGreaterThan(100).isLessThanOrEqualTo(160);
        Map<String, String> noColumns = new HashMap<>(System.getenv());
        noColumns.remove("COLUMNS");
        String plain = Cli.runWith(noColumns, "check", "--help").out();
        assertThat(longestProse(plain)).as("not a terminal: %d columns", HelpFormat.DEFAULT_WIDTH)
                .isLessThanOrEqualTo(HelpFormat.DEFAULT_WIDTH);
    }

    /** The longest line that is not an example (examples are never wrapped). */
    private static int longestProse(String help) {
        return help.lines().filter(l -> !l.strip().startsWith("smtp-doctor") && !l.strip().startsWith("--") && !l.contains("| smtp-doctor"))
                .mapToInt(String::length).max().orElse(0);
    }

    @Test
    void noWordOfAnyHelpIsCutAtEightyColumnsOrWider() {
        for (List<String> path : commandPaths()) {
            CommandSpec spec = spec(path);
            List<String> texts = new ArrayList<>();
            UsageMessageSpec usage = spec.usageMessage();
            texts.addAll(Arrays.asList(usage.header()));
            texts.addAll(Arrays.asList(usage.description()));
            texts.addAll(Arrays.asList(usage.footer()));
            texts.addAll(usage.exitCodeList().values());
            for (ArgSpec arg : spec.args()) {
                if (!arg.hidden()) {
                    texts.addAll(Arrays.asList(arg.description()));
                }
            }
            for (int columns : new int[] {80, 120, 200}) {
                String help = help(path, columns);
                for (String text : texts) {
                    for (String word : text.strip().split("\\s+")) {
                        if (!word.isEmpty() && !word.contains("${")) {
                            assertThat(help).as("'%s' whole in the help of '%s' at %d columns", word, String.join(" ", path), columns)
                                    .contains(word);
                        }
                    }
                    if (!text.isBlank() && Character.isWhitespace(text.charAt(0))) {
                        assertThat(help.lines()).as("example or list line kept whole").contains(text.stripTrailing());
                    }
                }
            }
        }
    }

    @Test
    void anOptionDescribedInSeveralLinesOfProseIsOneParagraphReflowedToTheWidth() {
        int checked = 0;
        for (List<String> path : commandPaths()) {
            String wide = help(path, 1000);
            for (picocli.CommandLine.Model.OptionSpec option : spec(path).options()) {
                List<String> lines = Arrays.asList(option.description());
                if (option.hidden() || lines.size() < 2 || lines.stream().anyMatch(l -> l.isBlank() || Character.isWhitespace(l.charAt(0))
                        || l.contains("${"))) {
                    continue;
                }
                String paragraph = String.join(" ", lines.stream().map(String::strip).toList()).replace("%%", "%");
                assertThat(wide).as("%s of %s", option.longestName(), String.join(" ", path)).contains(paragraph);
                checked++;
            }
        }
        assertThat(checked).as("options described in several lines").isPositive();
    }

    @Test
    void everyExampleInEveryHelpIsValidShellThatParsesAndTheOfflineOnesRun() {
        int examples = 0;
        for (List<String> path : commandPaths()) {
            for (String line : logicalLines(help(path, 80))) {
                if (isExample(line)) {
                    check(line, "the help of '" + String.join(" ", path) + "'");
                    examples++;
                }
            }
        }
        assertThat(examples).as("examples found in the help texts").isGreaterThanOrEqualTo(25);
    }

    @Test
    void everyExampleInTheReadmeIsValidShellThatParsesAndTheOfflineOnesRun() throws Exception {
        List<String> block = new ArrayList<>();
        boolean inBlock = false;
        int examples = 0;
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("```")) {
                if (inBlock) {
                    // A block with a "$ " prompt shows a session: commands after the prompt, output on the other lines.
                    boolean session = block.stream().anyMatch(l -> l.startsWith("$ "));
                    for (String l : logicalLines(String.join("\n", block))) {
                        String command = session ? (l.startsWith("$ ") ? l.substring(2) : "") : l;
                        if (isExample(command)) {
                            check(command, "README.md");
                            examples++;
                        }
                    }
                    block.clear();
                }
                inBlock = !inBlock;
            } else if (inBlock) {
                block.add(line);
            }
        }
        assertThat(examples).as("examples found in README.md").isGreaterThanOrEqualTo(20);
    }

    /** Lines with backslash-newline continuations joined, as the shell reads them. */
    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\\R")) {
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                lines.add(current.append(line).toString());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            lines.add(current.toString());
        }
        return lines;
    }

    private static boolean isExample(String line) {
        String s = line.strip();
        return s.startsWith("smtp-doctor ") || s.startsWith("./smtp-doctor ") || s.matches("[A-Z_]+=\\S+ .*smtp-doctor .*")
                || s.matches(".*\\| *(\\./)?smtp-doctor .*");
    }

    private static void check(String line, String where) {
        ShellWords.Command command;
        try {
            command = ShellWords.smtpDoctor(line);
        } catch (IllegalArgumentException e) {
            fail("an example in " + where + " is not valid shell: " + e.getMessage());
            return;
        }
        assertThat(command).as("an smtp-doctor command in " + where + ": " + line).isNotNull();
        List<String> args = command.args();
        CommandLine cmd = SmtpDoctorCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        try {
            cmd.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            fail("an example in " + where + " does not parse: " + line + "\n  " + e.getMessage());
        }
        if (runsOffline(args)) {
            args = new ArrayList<>(args);
            int html = args.indexOf("--html");
            if (html >= 0 && html + 1 < args.size()) {
                // The report goes to a temporary file, not into the working directory.
                try {
                    Path report = Files.createTempFile("example-", ".html");
                    report.toFile().deleteOnExit();
                    args.set(html + 1, report.toString());
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }
            // Variables set on the line need a process of their own.
            int exit;
            String output;
            if (command.env().isEmpty()) {
                Cli.Run run = Cli.run(args.toArray(String[]::new));
                exit = run.exit();
                output = run.out() + run.err();
            } else {
                try {
                    ProcessTest.Result run = ProcessTest.run(command.env(), args.toArray(String[]::new));
                    exit = run.exit();
                    output = run.out() + run.err();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            assertThat(exit).as("exit code of the example in %s: %s%n%s", where, line, output).isIn(ExitCode.OK, ExitCode.FAILED);
        }
    }

    /** Against the lab, offline text, help and lists: nothing else on the network, no files. */
    private static boolean runsOffline(List<String> args) {
        // check --lab runs and stops; relay --lab and lab --scenario run until stopped.
        if ((args.get(0).equals("check") && args.contains("--lab")) || args.get(0).equals("help") || args.equals(List.of("lab", "--list"))) {
            return true;
        }
        return args.get(0).equals("explain") && args.size() > 1 && !args.contains("-") && !args.contains("--file")
                && !args.contains("--batch");
    }
}
