package org.smtpdoctor.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.smtpdoctor.report.TerminalText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code smtp-doctor help [COMMAND [SUBCOMMAND...]]}: the help of the command named by the
 * path, as {@code COMMAND SUBCOMMAND --help} prints it ({@code help queue list} is the help of
 * {@code queue list}). picocli's own help command reads only the first name.
 */
@Command(name = "help", header = "Show the help of a command: help COMMAND [SUBCOMMAND].", helpCommand = true, mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
            "Examples:",
            "  smtp-doctor help check",
            "  smtp-doctor help queue list",
            ""})
final class HelpCommand implements Callable<Integer>, CommandLine.IHelpCommandInitializable2 {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, and its subcommand.")
    List<String> path = List.of();

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter outWriter, PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public Integer call() {
        CommandLine target = self.getParent();
        for (String name : path) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                List<String> near = new CommandLine.UnmatchedArgumentException(target, List.of(name)).getSuggestions();
                throw new UsageException((target.getSubcommands().isEmpty() ? target.getCommandSpec().qualifiedName() + " has no subcommands"
                        : "unknown command '" + TerminalText.safe(name) + "' in " + target.getCommandSpec().qualifiedName())
                        + (near.isEmpty() ? "" : ". Did you mean " + String.join(" or ", near.stream().limit(3).toList()) + "?"));
            }
            target = next;
        }
        target.usage(out, colors);
        out.flush();
        return ExitCode.OK;
    }
}
