package org.smtpdoctor.relay.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every node knows its line, so that a configuration
 * error can name where it is. Jackson's {@code JsonNode} forgets locations; this walks
 * Jackson's YAML token stream and keeps {@code JsonLocation#getLineNr()}. Duplicate keys
 * are errors. Immutable.
 */
sealed interface ConfigNode {

    int line();

    /** A scalar; {@code value} is null for YAML null ({@code ~}, {@code null} or nothing). */
    record Scalar(String value, int line) implements ConfigNode {}

    record Sequence(List<ConfigNode> items, int line) implements ConfigNode {}

    /** Keys in document order, each with the line of the key. */
    record Mapping(Map<String, ConfigNode> entries, Map<String, Integer> keyLines, int line) implements ConfigNode {}

    /**
     * How deep collections may nest. A relay.yaml nests four deep; SnakeYAML's scanner slows down
     * with every flow collection left open (2 KB of "[[[[..." took over a second: a finding of
     * RelayConfigFuzzTest), so deeper documents are refused before that work.
     */
    int MAX_NESTING = 16;

    /** Parses one YAML document; an empty document is an empty mapping. */
    static ConfigNode parse(String yaml, String file) throws ConfigException {
        StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build();
        try (JsonParser parser = YAMLFactory.builder().streamReadConstraints(limits).build().createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Mapping(Map.of(), Map.of(), 1);
            }
            return read(parser, file);
        } catch (JsonProcessingException e) {
            throw invalid(yaml, file, e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * What is wrong with a document the YAML parser refused, at the line of the problem (not
     * of the construct around it, which SnakeYAML reports first): a tab in an indentation
     * (YAML 1.2 section 6.1 allows only spaces, and editors insert tabs unseen) is named as
     * such; otherwise the parser's problem in its own words.
     */
    private static ConfigException invalid(String yaml, String file, JsonProcessingException e) {
        int tab = firstTabIndentedLine(yaml);
        if (tab > 0) {
            return ConfigException.at(file, tab, "", "tabs are not allowed for indentation in YAML: indent with spaces");
        }
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
            return ConfigException.at(file, m.getProblemMark().getLine() + 1, "", "not valid YAML: " + m.getProblem());
        }
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        return ConfigException.at(file, line, "", "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }

    /** The first line (from 1) whose indentation holds a tab; 0 when none does. */
    private static int firstTabIndentedLine(String yaml) {
        List<String> lines = yaml.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int indent = 0;
            while (indent < l.length() && (l.charAt(indent) == ' ' || l.charAt(indent) == '\t')) {
                indent++;
            }
            if (l.substring(0, indent).indexOf('\t') >= 0 && indent < l.length() && l.charAt(indent) != '#') {
                return i + 1;
            }
        }
        return 0;
    }

    private static ConfigNode read(JsonParser parser, String file) throws IOException, ConfigException {
        int line = parser.currentTokenLocation().getLineNr();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, ConfigNode> entries = new LinkedHashMap<>();
                Map<String, Integer> lines = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    parser.nextToken();
                    ConfigNode value = read(parser, file);
                    if (entries.put(key, value) != null) {
                        throw ConfigException.at(file, keyLine, key, "given twice (first on line " + lines.get(key) + ")");
                    }
                    lines.put(key, keyLine);
                }
                return new Mapping(entries, lines, line);
            }
            case START_ARRAY -> {
                List<ConfigNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(parser, file));
                }
                return new Sequence(items, line);
            }
            case VALUE_NULL -> {
                return new Scalar(null, line);
            }
            default -> {
                return new Scalar(parser.getText(), line);
            }
        }
    }
}
