package org.smtpdoctor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smtpdoctor.testing.WindowsText.concat;
import static org.smtpdoctor.testing.WindowsText.powerShell;
import static org.smtpdoctor.testing.WindowsText.withUtf8Bom;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextInputTest {

    @Test
    void reasonsAreWordsNotExceptionNames() {
        assertThat(TextInput.reason(new NoSuchFileException("/x"))).isEqualTo("no such file");
        assertThat(TextInput.reason(new AccessDeniedException("/x"))).isEqualTo("permission denied");
        assertThat(TextInput.reason(new FileSystemException("/x", null, "Read-only file system"))).isEqualTo("read-only file system");
        assertThat(TextInput.reason(new IOException("Is a directory"))).isEqualTo("is a directory");
    }

    @Test
    void filesWrittenByWindowsToolsAreRead(@TempDir Path dir) throws Exception {
        Path utf16 = Files.write(dir.resolve("utf16.txt"), powerShell("Pässwort-1\r\nsecond\r\n"));
        Path bom = Files.write(dir.resolve("bom.txt"), withUtf8Bom("Pässwort-2\r\n"));
        Path be = Files.write(dir.resolve("be.txt"), concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, "big\n".getBytes(StandardCharsets.UTF_16BE)));
        assertThat(TextInput.firstLine(utf16, 1024)).isEqualTo("Pässwort-1");
        assertThat(TextInput.firstLine(bom, 1024)).isEqualTo("Pässwort-2");
        assertThat(TextInput.firstLine(be, 1024)).isEqualTo("big");
        assertThat(TextInput.file(utf16, 1024)).isEqualTo("Pässwort-1\r\nsecond\r\n");
    }

    @Test
    void theFirstLineOfAUtf16StreamEndsAtItsLineFeed() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream(powerShell("token-value\r\nnext line\r\n"));
        assertThat(TextInput.firstLine(in, 1024, "standard input")).isEqualTo("token-value");
        assertThat(in.available()).as("read no further than the line").isEqualTo("next line\r\n".length() * 2);
        assertThat(TextInput.firstLine(new ByteArrayInputStream(withUtf8Bom("abc\n")), 1024, "stdin")).isEqualTo("abc");
        assertThat(TextInput.firstLine(new ByteArrayInputStream("plain\r\nx".getBytes(StandardCharsets.UTF_8)), 1024, "stdin"))
                .isEqualTo("plain");
        assertThat(TextInput.firstLine(new ByteArrayInputStream(powerShell("no line end")), 1024, "stdin")).isEqualTo("no line end");
    }

    @Test
    void notUtf8IsSaidInWords(@TempDir Path dir) throws Exception {
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "Passw\u00f6rd".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TextInput.firstLine(latin1, 1024)).isInstanceOf(InputException.class)
                .hasMessage(latin1 + ": not UTF-8 text (save it as UTF-8)");
    }

    @Test
    void aHeadIsReadFromItsBeginningWithoutACharacterCutInTwo(@TempDir Path dir) throws Exception {
        // "é" is two bytes in UTF-8: a limit of 4 bytes falls in the middle of the second one.
        assertThat(TextInput.head(new ByteArrayInputStream("aéé".getBytes(StandardCharsets.UTF_8)), 4, "stdin")).isEqualTo("aé");
        assertThat(TextInput.head(new ByteArrayInputStream(powerShell("abcdef")), 9, "stdin")).as("mark, 3 characters and half of one").isEqualTo("abc");
        assertThat(TextInput.head(new ByteArrayInputStream(withUtf8Bom("535 5.7.139")), 100, "stdin")).isEqualTo("535 5.7.139");
        // Not UTF-8 without a mark: a Windows ANSI log.
        byte[] ansi = "Fehler: Zugriff verweigert \u2013 535".getBytes(Charset.forName("windows-1252"));
        assertThat(TextInput.head(new ByteArrayInputStream(ansi), 1000, "stdin")).isEqualTo("Fehler: Zugriff verweigert \u2013 535");
        Path file = Files.write(dir.resolve("ndr.txt"), powerShell("550 5.1.10 RESOLVER.ADR.RecipientNotFound"));
        assertThat(TextInput.head(file, 1 << 20)).isEqualTo("550 5.1.10 RESOLVER.ADR.RecipientNotFound");
        assertThatThrownBy(() -> TextInput.head(dir, 100)).hasMessage(dir + ": is a directory");
    }

    @Test
    void certificateBytesAreTextForAParserWhateverTheEncodingAndBinaryAsItIs(@TempDir Path dir) throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assertThat(new String(TextInput.certificateBytes(Files.write(dir.resolve("a.pem"), powerShell(pem)), 4096),
                StandardCharsets.UTF_8)).isEqualTo(pem);
        assertThat(new String(TextInput.certificateBytes(Files.write(dir.resolve("b.pem"), withUtf8Bom(pem)), 4096),
                StandardCharsets.UTF_8)).isEqualTo(pem);
        byte[] der = {0x30, (byte) 0x82, 0x01, 0x0A, 0x02, 0x01};
        assertThat(TextInput.certificateBytes(Files.write(dir.resolve("c.der"), der), 4096)).isEqualTo(der);
    }
}
