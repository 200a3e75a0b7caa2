package org.smtpdoctor.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.smtpdoctor.report.TerminalStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The top-level command and the composition root of the command line: parses,
 * dispatches to a subcommand, and turns every error into one line on stderr with
 * the documented exit code (never a stack trace); with {@code --json}, into one JSON
 * object on stdout instead ({@link JsonError}).
 */
@Command(name = "smtp-doctor", mixinStandardHelpOptions = true, versionProvider = Version.class,
        subcommands = {CheckCommand.class, ExplainCommand.class, PortsCommand.class, TlsCommand.class, TokenCommand.class, TenantCommand.class, LabCommand.class, RelayCommand.class, QueueCommand.class, HelpCommand.class},
        description = {
            "Diagnose SMTP submission to Microsoft 365 (or any SMTP server), layer by layer.",
            "",
            "Start here:",
            "  smtp-doctor check --lab security-defaults",
            "Offline:",
            "  smtp-doctor explain '535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.'",
            "Real tenant:",
            "  smtp-doctor check --preset m365 --user you@contoso.com --password-env SMTP_PASSWORD --to you@contoso.com",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed (warnings allowed)", "1:a failure was diagnosed",
            "2:usage or configuration error", "3:internal error (a bug)"})
public final class SmtpDoctorCommand implements Runnable {

    static final String NO_COLOR = "--no-color";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line with the process's streams and environment. */
    public static int execute(String... args) {
        // The lab's Entra key is generated beside picocli's start, not after it (bench/RESULTS.md).
        org.smtpdoctor.lab.LabOAuth.prepareFor(args);
        if (warmsTlsUp(args)) {
            org.smtpdoctor.tls.TlsClient.warmUpInBackground();
        }
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv(), args);
    }

    /**
     * Whether this command line is a {@code check} that will speak modern TLS, so that TLS can be
     * set up beside the parsing ({@link org.smtpdoctor.tls.TlsClient#warmUpInBackground}). Not for
     * help or version, not with {@code --device-tls} (TLS 1.0/1.1 must be allowed before any TLS
     * use), not with an argument file ({@code @FILE}) that could hold either.
     */
    static boolean warmsTlsUp(String... args) {
        if (args.length == 0 || !args[0].equals("check")) {
            return false;
        }
        for (String a : args) {
            if (a.startsWith("--device-tls") || a.startsWith("@") || a.equals("-h") || a.equals("--help")
                    || a.equals("-V") || a.equals("--version")) {
                return false;
            }
        }
        return true;
    }

    /** Runs the command line with these streams and this environment (tests give their own). */
    static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
        CheckCommand check = CheckLine.read(args);
        if (check != null) {
            check.out = out;
            check.err = err;
            try {
                return check.call();
            } catch (Exception e) {
                return failed(e, out, err, check.json);
            } finally {
                out.flush();
                err.flush();
            }
        }
        return commandLine(out, err, env, colorOff(TerminalStyle.detect(env), args), args).execute(args);
    }

    /**
     * The command line for these arguments: for {@code check ...}, a root that knows only
     * {@code check} ({@link CheckOnly}), because picocli builds the model of every subcommand
     * up front and check is the command whose start-up is measured against swaks (the whole
     * model costs about twice check's alone); for anything else, every command.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env, boolean colorOff, String... args) {
        if (args.length > 0 && args[0].equals("check")) {
            return configure(new CommandLine(new CheckOnly()), out, err, env, colorOff);
        }
        return commandLine(out, err, env, colorOff);
    }

    /** The top-level command with {@code check} alone below it: what {@code smtp-doctor check ...} needs. */
    @Command(name = "smtp-doctor", mixinStandardHelpOptions = true, versionProvider = Version.class, subcommands = CheckCommand.class)
    static final class CheckOnly implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** A configured command line writing to the given streams (tests capture them). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, System.getenv(), true);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env, boolean colorOff) {
        return configure(new CommandLine(new SmtpDoctorCommand()), out, err, env, colorOff);
    }

    private static CommandLine configure(CommandLine cmd, PrintWriter out, PrintWriter err, Map<String, String> env, boolean colorOff) {
        cmd.setOut(out);
        cmd.setErr(err);
        addNoColorEverywhere(cmd);
        HelpFormat.apply(cmd, env, colorOff ? CommandLine.Help.Ansi.OFF : CommandLine.Help.Ansi.ON);
        cmd.setExitCodeExceptionMapper(e -> e instanceof UsageException ? ExitCode.USAGE : ExitCode.INTERNAL);
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String message = UnmatchedArguments.message(ex, args);
            if (JsonError.requested(c.getCommandSpec(), args)) {
                return JsonError.print(c.getOut(), message, JsonError.USAGE, ExitCode.USAGE);
            }
            c.getErr().println("smtp-doctor: " + message);
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
            c.getErr().flush();
            return ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> failed(ex, c.getOut(), c.getErr(), JsonError.requested(c.getParseResult())));
        return cmd;
    }

    /** A command that failed while running: a usage error in words, anything else an internal error (JSON with --json). */
    static int failed(Exception ex, PrintWriter out, PrintWriter err, boolean json) {
        if (ex instanceof UsageException) {
            if (json) {
                return JsonError.print(out, ex.getMessage(), JsonError.USAGE, ExitCode.USAGE);
            }
            err.println("smtp-doctor: " + ex.getMessage());
            err.flush();
            return ExitCode.USAGE;
        }
        String internal = "internal error: " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        if (json) {
            return JsonError.print(out, internal + " (a bug; please report it)", JsonError.INTERNAL, ExitCode.INTERNAL);
        }
        err.println("smtp-doctor: " + internal);
        err.println("This is a bug; please report it with the command you ran (secrets removed).");
        err.flush();
        return ExitCode.INTERNAL;
    }

    /**
     * No colour in help: {@code --no-color} among the arguments (before a {@code --}), or a
     * terminal style without colour (no terminal, or a non-empty {@code NO_COLOR}).
     */
    static boolean colorOff(TerminalStyle terminal, String... args) {
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals(NO_COLOR)) {
                return true;
            }
        }
        return !terminal.color();
    }

    /**
     * Every command takes {@code --no-color}, so that it works for {@code --help} too; the
     * commands that colour their own output declare it themselves and read it.
     */
    private static void addNoColorEverywhere(CommandLine c) {
        CommandSpec spec = c.getCommandSpec();
        if (spec.findOption(NO_COLOR) == null) {
            spec.addOption(OptionSpec.builder(NO_COLOR).description("No colour, also in this help.").build());
        }
        c.getSubcommands().values().forEach(SmtpDoctorCommand::addNoColorEverywhere);
    }
}
