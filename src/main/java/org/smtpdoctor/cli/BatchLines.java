package org.smtpdoctor.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.smtpdoctor.io.TextInput;

/**
 * The input of {@code explain --batch}: JSON Lines, one {@code {"id": ..., "text": ...}}
 * object per line, from a file or standard input, in UTF-8 (with or without a byte order
 * mark) or UTF-16 with one. Each line becomes an {@link Entry}: its text, or why it cannot be
 * explained, and in both cases its {@code id} whenever one can be read, so that a caller can
 * match every answer to its question:
 * <ul>
 * <li>a blank line is skipped (no entry);</li>
 * <li>a line longer than {@link #MAX_LINE_CHARS} is not kept in memory: its {@code id} is
 *     found by streaming through it, wherever in the object it is;</li>
 * <li>anything after the object on its line is an error, not ignored.</li>
 * </ul>
 * Line numbers count every line, blank ones included. Not thread-safe; one reader per input.
 */
final class BatchLines implements Closeable {

    /** A message with a transcript fits many times over; a line longer than this is refused. */
    static final int MAX_LINE_CHARS = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One line: {@code text} to explain, or {@code error}; {@code id} as given (any JSON value),
     * empty when the line has none or it cannot be read.
     */
    record Entry(long line, Optional<JsonNode> id, Optional<String> text, Optional<String> error) {
        static Entry text(long line, Optional<JsonNode> id, String text) {
            return new Entry(line, id, Optional.of(text), Optional.empty());
        }

        static Entry error(long line, Optional<JsonNode> id, String error) {
            return new Entry(line, id, Optional.empty(), Optional.of(error));
        }
    }

    private final Reader in;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;
    private boolean end;
    private long number;

    private BatchLines(Reader in) {
        this.in = in;
    }

    /** Opens a file, or standard input for {@code -}; what cannot be opened is a usage error in words. */
    static BatchLines open(String source, InputStream stdin) {
        if (source.equals("-")) {
            return of(stdin);
        }
        Path path = Path.of(source);
        if (Files.isDirectory(path)) {
            throw new UsageException("cannot read " + path + ": is a directory");
        }
        try {
            return of(Files.newInputStream(path));
        } catch (IOException e) {
            throw new UsageException("cannot read " + path + ": " + TextInput.reason(e));
        }
    }

    /** Reads this stream, its encoding told by its byte order mark (UTF-8 without one). */
    static BatchLines of(InputStream stream) {
        BufferedInputStream in = new BufferedInputStream(stream, 1 << 16);
        Charset charset = StandardCharsets.UTF_8;
        try {
            in.mark(3);
            int a = in.read();
            int b = in.read();
            int c = in.read();
            in.reset();
            if (a == 0xEF && b == 0xBB && c == 0xBF) {
                in.skipNBytes(3);
            } else if (a == 0xFF && b == 0xFE) {
                in.skipNBytes(2);
                charset = StandardCharsets.UTF_16LE;
            } else if (a == 0xFE && b == 0xFF) {
                in.skipNBytes(2);
                charset = StandardCharsets.UTF_16BE;
            }
        } catch (IOException e) {
            throw new UsageException("cannot read the batch input: " + TextInput.reason(e));
        }
        // Bytes that are not text in that encoding become U+FFFD: one bad line must not stop a batch.
        return new BatchLines(new InputStreamReader(in, charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
    }

    /** The next line that is not blank, or null at the end. */
    Entry next() throws IOException {
        while (true) {
            if (peek() < 0) {
                return null;
            }
            number++;
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = read()) >= 0 && c != '\n') {
                if (line.length() == MAX_LINE_CHARS) {
                    return tooLong(line, (char) c);
                }
                line.append((char) c);
            }
            if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                line.setLength(line.length() - 1);
            }
            String read = line.toString();
            if (!read.isBlank()) {
                return parse(number, read);
            }
        }
    }

    /** A line of one JSON object with a string "text"; anything else is an error naming the line. */
    static Entry parse(long number, String line) {
        JsonNode node;
        boolean trailing;
        try (JsonParser p = JSON.createParser(line)) {
            node = JSON.readTree(p);
            try {
                trailing = p.nextToken() != null;
            } catch (IOException garbage) {
                trailing = true;
            }
        } catch (IOException e) {
            return Entry.error(number, idOf(new StringReader(line)), notAnObject(number));
        }
        if (node == null || !node.isObject()) {
            return Entry.error(number, Optional.empty(), notAnObject(number));
        }
        Optional<JsonNode> id = Optional.ofNullable(node.get("id"));
        if (trailing) {
            return Entry.error(number, id, "line " + number + " has more after its JSON object (one object per line)");
        }
        if (!node.path("text").isTextual()) {
            return Entry.error(number, id, notAnObject(number));
        }
        return Entry.text(number, id, node.get("text").asText());
    }

    private static String notAnObject(long number) {
        return "line " + number + " is not a JSON object with a string field \"text\"";
    }

    /** The rest of an over-long line is streamed once, for its id, and dropped. */
    private Entry tooLong(StringBuilder start, char next) throws IOException {
        start.append(next);
        LineRest rest = new LineRest(start.toString());
        Optional<JsonNode> id = idOf(rest);
        rest.drain();
        return Entry.error(number, id, "line " + number + " is longer than " + (MAX_LINE_CHARS >> 20)
                + " MB (explain --file reads one long text)");
    }

    /** What was read of the current line, then the rest of it up to its line feed (consumed), then the end. */
    private final class LineRest extends Reader {
        private final String start;
        private int served;
        private boolean done;

        LineRest(String start) {
            this.start = start;
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len && served < start.length()) {
                cbuf[off + n++] = start.charAt(served++);
            }
            while (n < len && !done) {
                int c = BatchLines.this.read();
                if (c < 0 || c == '\n') {
                    done = true;
                } else {
                    cbuf[off + n++] = (char) c;
                }
            }
            return n == 0 ? -1 : n;
        }

        void drain() throws IOException {
            char[] skip = new char[8192];
            while (read(skip, 0, skip.length) >= 0) {
                // the rest of the line is not kept
            }
        }

        @Override
        public void close() {
            // the batch input stays open for the next line
        }
    }

    /** The top-level "id" of the object on this input, read without keeping the other values; empty when there is none. */
    static Optional<JsonNode> idOf(Reader object) {
        try (JsonParser p = JSON.createParser(object)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("id")) {
                    return value.isScalarValue() ? Optional.of(JSON.readTree(p)) : Optional.empty();
                }
                p.skipChildren(); // an object or array value; a string is skipped unread by the next nextToken()
            }
        } catch (IOException e) {
            // cut or malformed before an id
        }
        return Optional.empty();
    }

    private int peek() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position];
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++];
    }

    private boolean fill() throws IOException {
        if (end) {
            return false;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            end = n < 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
