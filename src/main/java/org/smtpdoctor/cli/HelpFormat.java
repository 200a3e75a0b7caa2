package org.smtpdoctor.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * How {@code --help} is laid out, for every command:
 * <ul>
 * <li>as wide as the terminal: {@code COLUMNS} when set, else what picocli detects on a terminal,
 *     else {@value #DEFAULT_WIDTH} columns (output to a pipe or a file);</li>
 * <li>lines break only at spaces, so a URL, a CIDR or a quoted value is never cut in two (picocli's
 *     own wrapping breaks after '/', '.' or '?', and the pasted command then fails);</li>
 * <li>in the header, description and footer, a line that starts with a space (an example command,
 *     a list item) is printed as written, never wrapped: pasted, it runs as shown. Other lines are
 *     prose: consecutive ones form a paragraph, reflowed to the width. They are not run through
 *     {@code String.format}, so {@code printf '%s\n'} in an example needs no escaping;</li>
 * <li>the synopsis is abbreviated ({@code [OPTIONS]}): the option list follows it anyway;</li>
 * <li>colour only when {@link #ansi} allows it ({@code --no-color}, {@code NO_COLOR}).</li>
 * </ul>
 * Stateless.
 */
final class HelpFormat {

    /** Where no terminal says otherwise: the classic width, which every pager and e-mail keeps intact. */
    static final int DEFAULT_WIDTH = 80;
    /** picocli's own minimum. */
    static final int MIN_WIDTH = 55;
    private static final int MAX_WIDTH = 1000;

    private HelpFormat() {
    }

    /** Applies the layout to the command and all its subcommands. */
    static void apply(CommandLine root, Map<String, String> env, Help.Ansi ansi) {
        OptionalInt columns = columns(env.get("COLUMNS"));
        root.setHelpFactory(WholeWordsHelp::new);
        root.setColorScheme(Help.defaultColorScheme(ansi));
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        for (CommandLine c : all) {
            CommandSpec spec = c.getCommandSpec();
            if (columns.isPresent()) {
                spec.usageMessage().width(columns.getAsInt()).autoWidth(false);
            } else {
                spec.usageMessage().width(DEFAULT_WIDTH).autoWidth(true);
            }
            spec.usageMessage().abbreviateSynopsis(true);
            Map<String, CommandLine.IHelpSectionRenderer> sections = c.getHelpSectionMap();
            sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER,
                    help -> paragraphs(help.commandSpec().usageMessage().header(), help.commandSpec().usageMessage().width()));
            sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                    help -> paragraphs(help.commandSpec().usageMessage().description(), help.commandSpec().usageMessage().width()));
            sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
                    help -> paragraphs(help.commandSpec().usageMessage().footer(), help.commandSpec().usageMessage().width()));
            c.setHelpSectionMap(sections);
        }
    }

    private static void collect(CommandLine c, List<CommandLine> all) {
        all.add(c);
        for (CommandLine sub : c.getSubcommands().values()) {
            if (!all.contains(sub)) {
                collect(sub, all);
            }
        }
    }

    /** The width COLUMNS asks for, when it is a number; held between picocli's minimum and a sane maximum. */
    static OptionalInt columns(String value) {
        if (value == null || !value.strip().matches("\\d{1,6}")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Integer.parseInt(value.strip()))));
    }

    /**
     * Lines as written for those that start with a space (examples, list items) or are empty;
     * consecutive other lines joined into paragraphs and wrapped at spaces to {@code width}.
     */
    static String paragraphs(String[] lines, int width) {
        StringBuilder out = new StringBuilder();
        List<String> paragraph = new ArrayList<>();
        for (String line : lines) {
            for (String part : line.split("\\R", -1)) {
                if (part.isBlank() || Character.isWhitespace(part.charAt(0))) {
                    flush(paragraph, width, out);
                    out.append(part.stripTrailing()).append(System.lineSeparator());
                } else {
                    paragraph.add(part.strip());
                }
            }
        }
        flush(paragraph, width, out);
        return out.toString();
    }

    private static void flush(List<String> paragraph, int width, StringBuilder out) {
        if (paragraph.isEmpty()) {
            return;
        }
        for (String line : wrap(String.join(" ", paragraph), width)) {
            out.append(line).append(System.lineSeparator());
        }
        paragraph.clear();
    }

    /** Lines of at most {@code width} characters, broken at spaces only; a longer word has a line of its own. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split(" +")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** picocli's help with {@link WholeWordsTable}s for the option list and the exit codes. */
    static final class WholeWordsHelp extends Help {
        WholeWordsHelp(CommandSpec spec, ColorScheme colorScheme) {
            super(spec, colorScheme);
        }

        @Override
        public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
            int longOptions = calcLongOptionColumnWidth(options, positionals, scheme);
            int width = commandSpec().usageMessage().width();
            // The columns of picocli's TextTable.forDefaultColumns: "* -c, --create  Creates a ..."
            TextTable table = new WholeWordsTable(scheme,
                    new Column(2, 0, Column.Overflow.TRUNCATE),
                    new Column(2, 0, Column.Overflow.SPAN),
                    new Column(1, 0, Column.Overflow.TRUNCATE),
                    new Column(longOptions, 1, Column.Overflow.SPAN),
                    new Column(width - 5 - longOptions, 1, Column.Overflow.WRAP));
            return new Layout(scheme, table, createDefaultOptionRenderer(), createDefaultParameterRenderer());
        }

        /**
         * Option descriptions given as several lines are reflowed like the description: lines of
         * prose in a row form one paragraph (the table wraps it to the width), a line that starts
         * with a space stays a line of its own.
         */
        @Override
        public IOptionRenderer createDefaultOptionRenderer() {
            IOptionRenderer plain = super.createDefaultOptionRenderer();
            return (option, labels, scheme) -> joinProse(plain.render(option, labels, scheme));
        }

        static Text[][] joinProse(Text[][] rows) {
            List<Text[]> out = new ArrayList<>();
            for (Text[] row : rows) {
                int d = row.length - 1;
                Text[] previous = out.isEmpty() ? null : out.get(out.size() - 1);
                boolean onlyDescription = java.util.Arrays.stream(row, 0, d).allMatch(t -> t.plainString().isBlank());
                if (previous != null && onlyDescription && prose(row[d]) && prose(previous[d])) {
                    previous[d] = previous[d].concat(" ").concat(row[d]);
                } else {
                    out.add(row.clone());
                }
            }
            return out.toArray(Text[][]::new);
        }

        private static boolean prose(Text text) {
            String s = text.plainString();
            return !s.isEmpty() && !Character.isWhitespace(s.charAt(0));
        }

        @Override
        public TextTable createTextTable(Map<?, ?> map) {
            int width = commandSpec().usageMessage().width();
            int keys = map.keySet().stream().mapToInt(k -> String.valueOf(k).length()).max().orElse(7);
            keys = Math.min(width - 4, keys);
            TextTable table = new WholeWordsTable(colorScheme(),
                    new Column(keys + 3, 2, Column.Overflow.SPAN),
                    new Column(width - (keys + 3), 2, Column.Overflow.WRAP));
            map.forEach((k, v) -> table.addRowValues(String.valueOf(k), String.valueOf(v)));
            return table;
        }
    }

    /**
     * A picocli text table whose wrapping columns break only at spaces. A word longer than its
     * column is still cut (there is nowhere else to put it); the help texts keep their words
     * short enough for {@value #MIN_WIDTH} columns, and a test checks it.
     */
    static final class WholeWordsTable extends TextTable {
        WholeWordsTable(ColorScheme scheme, Column... columns) {
            super(scheme, columns);
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            if (column.overflow != Column.Overflow.WRAP || value == null
                    || value.plainString().length() + column.indent <= column.width) {
                return super.putValue(row, col, value);
            }
            String plain = value.plainString();
            int original = column.indent;
            int start = 0;
            int current = row;
            try {
                while (start < plain.length()) {
                    int room = column.width - column.indent;
                    int end = breakAt(plain, start, room);
                    if (start > 0) {
                        addEmptyRow();
                        current++;
                    }
                    super.putValue(current, col, value.substring(start, end));
                    start = end;
                    while (start < plain.length() && plain.charAt(start) == ' ') {
                        start++;
                    }
                    column.indent = original + indentWrappedLines;
                }
            } finally {
                column.indent = original;
            }
            return new Cell(col, current);
        }

        /** The end of the longest run from {@code start} that fits {@code room} and ends before a space. */
        private static int breakAt(String text, int start, int room) {
            if (text.length() - start <= room) {
                return text.length();
            }
            int space = text.lastIndexOf(' ', start + room);
            if (space > start) {
                return space;
            }
            int next = text.indexOf(' ', start);
            return next < 0 ? text.length() : next;
        }
    }
}
