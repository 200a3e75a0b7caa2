package org.smtpdoctor.relay.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smtpdoctor.relay.spool.TestMessages.content;
import static org.smtpdoctor.relay.spool.TestMessages.envelope;
import static org.smtpdoctor.relay.spool.TestMessages.read;
import static org.smtpdoctor.relay.spool.TestMessages.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removed messages' files are emptied and reused for the next messages (SpareFiles), never under a reader. */
class SpareFilesTest {

    @TempDir
    Path tmp;

    private Spool open() throws IOException {
        return SpoolTest.openIn(tmp);
    }

    private Path file(String id) {
        return tmp.resolve("spool/msg/" + id + ".msg");
    }

    private List<Path> temps() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("spool/tmp"))) {
            return s.toList();
        }
    }

    private static Object inode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino");
    }

    private static String delivered(Spool spool, String tag) throws IOException {
        String id = spool.accept(envelope("s@lan.test", "a@contoso.test"), stream(content(tag)));
        spool.markDelivered(id, "a@contoso.test", "250 OK");
        return id;
    }

    @Test
    void aRemovedMessagesFileIsEmptiedAndHoldsTheNextMessage() throws Exception {
        String next;
        try (Spool spool = open()) {
            String first = delivered(spool, "first");
            Object inode = inode(file(first));
            assertThat(spool.remove(first)).isTrue();

            assertThat(tmp.resolve("spool/msg")).isEmptyDirectory();
            assertThat(temps()).singleElement().satisfies(p -> {
                assertThat(p.getFileName().toString()).startsWith(SpareFiles.PREFIX);
                assertThat(Files.size(p)).as("emptied: delivered mail does not stay on disk").isZero();
            });
            assertThat(spool.spareFiles()).isEqualTo(1);

            next = spool.accept(envelope("s@lan.test", "b@contoso.test"), stream(content("next")));
            assertThat(inode(file(next))).as("the same file, not a new one").isEqualTo(inode);
            assertThat(temps()).isEmpty();
            assertThat(spool.spareFiles()).isZero();
            assertThat(read(spool.content(next))).isEqualTo(content("next"));
        }
        try (Spool spool = open()) {
            assertThat(spool.list()).extracting(QueuedMessage::id).containsExactly(next);
            assertThat(read(spool.content(next))).isEqualTo(content("next"));
        }
    }

    @Test
    void aFileBeingReadIsDeletedNotReusedAndTheReaderStillGetsItsMessage() throws Exception {
        try (Spool spool = open()) {
            String first = delivered(spool, "first");
            String expected = content("first");
            try (InputStream in = spool.content(first)) {
                byte[] start = in.readNBytes(5);
                assertThat(spool.remove(first)).isTrue();
                assertThat(spool.spareFiles()).as("deleted: a reader has it open").isZero();
                assertThat(temps()).isEmpty();
                spool.accept(envelope("s@lan.test", "b@contoso.test"), stream(content("other")));
                String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(new String(start, StandardCharsets.UTF_8) + rest).isEqualTo(expected);
            }
            // The stream was closed: the next removal may reuse the file again.
            String second = delivered(spool, "second");
            spool.remove(second);
            assertThat(spool.spareFiles()).isEqualTo(1);
        }
    }

    @Test
    void anOpenDeliveryStreamAlsoKeepsItsFileFromReuse() throws Exception {
        try (Spool spool = open()) {
            String id = delivered(spool, "first");
            StoredContent stored = spool.stored(id);
            try (InputStream in = stored.open()) {
                spool.remove(id);
                assertThat(spool.spareFiles()).isZero();
                assertThat(read(in)).isEqualTo(content("first"));
            }
            assertThatThrownBy(stored::open).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void atMostMaxSparesAreKeptTheRestAreDeleted() throws Exception {
        try (Spool spool = open()) {
            int n = SpareFiles.MAX + 5;
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) {
                ids[i] = delivered(spool, "m" + i);
            }
            for (String id : ids) {
                spool.remove(id);
            }
            assertThat(spool.spareFiles()).isEqualTo(SpareFiles.MAX);
            assertThat(temps()).hasSize(SpareFiles.MAX);
            assertThat(tmp.resolve("spool/msg")).isEmptyDirectory();
        }
    }

    @Test
    void aSpareRemovedByHandIsReplacedByANewFileAndSparesGoAtCloseAndAtOpenUncounted() throws Exception {
        try (Spool spool = open()) {
            spool.remove(delivered(spool, "first"));
            for (Path p : temps()) {
                Files.delete(p);
            }
            String id = spool.accept(envelope("s@lan.test", "b@contoso.test"), stream(content("next")));
            assertThat(read(spool.content(id))).isEqualTo(content("next"));
            spool.markDelivered(id, "b@contoso.test", "250 OK");
            spool.remove(id);
            assertThat(temps()).hasSize(1);
        }
        assertThat(temps()).as("deleted when the spool closes").isEmpty();
        // What a process that ended without closing leaves: a spare and an unfinished write.
        Files.writeString(tmp.resolve("spool/tmp/" + SpareFiles.PREFIX + "7"), "");
        Files.writeString(tmp.resolve("spool/tmp/0000000000000000.msg"), "half");
        try (Spool spool = open()) {
            assertThat(temps()).as("tmp/ is emptied at open").isEmpty();
            assertThat(spool.recovery().tempFilesDeleted()).as("a spare is not an unfinished write").isEqualTo(1);
            assertThat(spool.spareFiles()).isZero();
        }
    }

    @Test
    void aReaderInAnotherProcessLearnsThatTheMessageLeftWhileItRead() throws Exception {
        try (Spool spool = open()) {
            String kept = delivered(spool, "kept");
            SpoolReader reader = SpoolReader.open(tmp.resolve("spool"));
            try (InputStream in = reader.content(kept)) {
                assertThat(read(in)).isEqualTo(content("kept"));
            }

            String first = delivered(spool, "first");
            InputStream in = reader.content(first);
            in.readNBytes(5);
            spool.remove(first); // not this process's reader: the file is reused
            String other = spool.accept(envelope("s@lan.test", "b@contoso.test"), stream(content("other message, longer than the first")));
            in.readAllBytes();
            assertThatThrownBy(in::close).isInstanceOf(NoSuchFileException.class).hasMessageContaining("left the spool");
            assertThat(read(reader.content(other))).isEqualTo(content("other message, longer than the first"));
            assertThatThrownBy(() -> reader.content(first)).isInstanceOf(NoSuchFileException.class);
        }
    }
}
