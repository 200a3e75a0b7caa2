package org.smtpdoctor.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level command and the composition root of the command line: parses,
 * dispatches to a subcommand, and turns every error into one line on stderr with
 * the documented exit code (never a stack trace).
 */
@Command(name = "smtp-doctor", mixinStandardHelpOptions = true, usageHelpWidth = 110, versionProvider = Version.class,
        subcommands = {CheckCommand.class, ExplainCommand.class, PortsCommand.class, TlsCommand.class, TokenCommand.class, TenantCommand.class, LabCommand.class, RelayCommand.class, QueueCommand.class, CommandLine.HelpCommand.class},
        description = {
            "Diagnose SMTP submission to Microsoft 365 (or any SMTP server), layer by layer.",
            "",
            "Start here:  smtp-doctor check --lab security-defaults",
            "Offline:     smtp-doctor explain '535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.'",
            "Real tenant: smtp-doctor check --preset m365 --user you@contoso.com --password-env SMTP_PASSWORD --to you@contoso.com",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed (warnings allowed)", "1:a failure was diagnosed",
            "2:usage or configuration error", "3:internal error (a bug)"})
public final class SmtpDoctorCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line with the process's streams. */
    public static int execute(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /** A configured command line writing to the given streams (tests capture them). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new SmtpDoctorCommand());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExitCodeExceptionMapper(e -> e instanceof UsageException ? ExitCode.USAGE : ExitCode.INTERNAL);
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("smtp-doctor: " + UnmatchedArguments.message(ex, args));
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
            c.getErr().flush();
            return ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof UsageException) {
                c.getErr().println("smtp-doctor: " + ex.getMessage());
                c.getErr().flush();
                return ExitCode.USAGE;
            }
            c.getErr().println("smtp-doctor: internal error: " + ex.getClass().getSimpleName()
                    + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
            c.getErr().println("This is a bug; please report it with the command you ran (secrets removed).");
            c.getErr().flush();
            return ExitCode.INTERNAL;
        });
        return cmd;
    }
}
