package org.smtpdoctor.relay.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smtpdoctor.relay.spool.TestMessages.content;
import static org.smtpdoctor.relay.spool.TestMessages.envelope;
import static org.smtpdoctor.relay.spool.TestMessages.read;
import static org.smtpdoctor.relay.spool.TestMessages.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpdoctor.relay.spool.RecipientState.Status;

/**
 * Every point at which a crash (kill -9, power loss) can interrupt the spool, simulated by
 * leaving the files exactly as that crash would, then opening the spool: nothing
 * half-written is ever a message, and nothing committed is lost.
 */
class SpoolRecoveryTest {

    private static final Envelope ENVELOPE = envelope("scanner@lan.test", "a@contoso.test", "b@contoso.test");
    private static final String CONTENT = content("crash");

    @TempDir
    Path dir;
    Path msg;
    Path tmp;
    String id;

    @BeforeEach
    void createSpool() throws IOException {
        Spool.open(dir).close();
        msg = dir.resolve("msg");
        tmp = dir.resolve("tmp");
        id = new QueueId(Clock.systemUTC()).next();
    }

    private Spool open() throws IOException {
        return Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0));
    }

    private byte[] envelopeFile() {
        return SpoolFormat.envelope(id, ENVELOPE, CONTENT.length());
    }

    private void write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
    }

    private void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] half(byte[] b) {
        return Arrays.copyOf(b, b.length / 2);
    }

    private void assertNoMessageAndNothingLeft(Spool spool) throws IOException {
        assertThat(spool.list()).isEmpty();
        assertThat(spool.due(Instant.now())).isEmpty();
        assertThat(msg).isEmptyDirectory();
        assertThat(tmp).isEmptyDirectory();
        assertThat(SpoolReader.open(dir).list()).isEmpty();
    }

    @Test
    void contentHalfWrittenInTmpIsDeleted() throws Exception {
        write(tmp.resolve(id + ".eml"), half(CONTENT.getBytes(StandardCharsets.UTF_8)));
        try (Spool spool = open()) {
            assertThat(spool.recovery()).isEqualTo(new Spool.Recovery(0, 1, 0, List.of(), List.of()));
            assertNoMessageAndNothingLeft(spool);
        }
    }

    @Test
    void contentAndAHalfWrittenEnvelopeInTmpAreDeleted() throws Exception {
        write(tmp.resolve(id + ".eml"), CONTENT);
        write(tmp.resolve(id + ".env"), half(envelopeFile()));
        try (Spool spool = open()) {
            assertThat(spool.recovery().tempFilesDeleted()).isEqualTo(2);
            assertNoMessageAndNothingLeft(spool);
        }
    }

    @Test
    void contentRenamedButEnvelopeStillInTmpIsNotAMessage() throws Exception {
        write(msg.resolve(id + ".eml"), CONTENT);
        write(tmp.resolve(id + ".env"), envelopeFile());
        assertThat(SpoolReader.open(dir).list()).as("a reader during the crash window sees nothing either").isEmpty();
        try (Spool spool = open()) {
            assertThat(spool.recovery()).isEqualTo(new Spool.Recovery(0, 1, 1, List.of(), List.of()));
            assertNoMessageAndNothingLeft(spool);
        }
    }

    @Test
    void bothFilesRenamedIsACommittedMessageEvenIfAcceptDidNotReturn() throws Exception {
        write(msg.resolve(id + ".eml"), CONTENT);
        write(msg.resolve(id + ".env"), envelopeFile());
        try (Spool spool = open()) {
            QueuedMessage m = spool.get(id).orElseThrow();
            assertThat(m.recipients()).extracting(RecipientState::status).containsExactly(Status.PENDING, Status.PENDING);
            assertThat(read(spool.content(id))).isEqualTo(CONTENT);
            assertThat(spool.due(Instant.now())).hasSize(1);
        }
    }

    @Test
    void aHalfWrittenStateUpdateLeavesThePreviousState() throws Exception {
        String committed;
        try (Spool spool = open()) {
            committed = spool.accept(ENVELOPE, stream(CONTENT));
            spool.markDeferred(committed, "a@contoso.test", "451 4.7.500 Server busy", Instant.parse("2030-01-01T00:00:00Z"));
        }
        byte[] next = SpoolFormat.state(List.of(RecipientState.pending("a@contoso.test").delivered("250 OK", Instant.now()),
                RecipientState.pending("b@contoso.test")));
        write(tmp.resolve(committed + ".state"), half(next));
        try (Spool spool = open()) {
            assertThat(spool.recovery().tempFilesDeleted()).isEqualTo(1);
            RecipientState a = spool.get(committed).orElseThrow().recipients().get(0);
            assertThat(a.status()).isEqualTo(Status.DEFERRED);
            assertThat(a.lastReply()).contains("451 4.7.500 Server busy");
            // and the worker's next update goes through, replacing nothing half-written
            spool.markDelivered(committed, "a@contoso.test", "250 OK");
        }
        try (Spool spool = open()) {
            assertThat(spool.get(committed).orElseThrow().recipients().get(0).status()).isEqualTo(Status.DELIVERED);
        }
    }

    @Test
    void aRemovalCutShortAfterTheEnvelopeWentLeavesNoMessage() throws Exception {
        write(msg.resolve(id + ".eml"), CONTENT);
        write(msg.resolve(id + ".state"), SpoolFormat.state(SpoolFormat.initialState(ENVELOPE)));
        try (Spool spool = open()) {
            assertThat(spool.recovery()).isEqualTo(new Spool.Recovery(0, 0, 2, List.of(), List.of()));
            assertNoMessageAndNothingLeft(spool);
        }
    }

    @Test
    void aTruncatedEnvelopeInMsgIsSetAsideAndNeverDelivered() throws Exception {
        write(msg.resolve(id + ".eml"), CONTENT);
        write(msg.resolve(id + ".env"), half(envelopeFile()));
        assertQuarantined("is not complete JSON");
    }

    @Test
    void contentShorterThanItsEnvelopeSaysIsSetAside() throws Exception {
        write(msg.resolve(id + ".eml"), CONTENT.substring(0, 10));
        write(msg.resolve(id + ".env"), envelopeFile());
        assertQuarantined("has 10 bytes, its envelope says " + CONTENT.length());
    }

    @Test
    void anEnvelopeWithoutContentIsSetAside() throws Exception {
        write(msg.resolve(id + ".env"), envelopeFile());
        assertQuarantined(id + ".eml is missing");
    }

    @Test
    void aStateFileForOtherRecipientsIsQueuedAgainForEveryEnvelopeRecipient() throws Exception {
        SpoolFormat.writeMessage(msg.resolve(id + ".msg"), id, ENVELOPE, stream(CONTENT));
        write(msg.resolve(id + ".state"), SpoolFormat.state(List.of(RecipientState.pending("x@contoso.test"))));
        assertRequeued("its recipients are not the envelope's");
    }

    @Test
    void anUnreadableStateFileNeverLosesTheMessageItIsQueuedAgainForEveryRecipient() throws Exception {
        try (Spool spool = open()) {
            id = spool.accept(ENVELOPE, stream(CONTENT));
            spool.markDelivered(id, "a@contoso.test", "250 2.0.0 OK");
            spool.markDeferred(id, "b@contoso.test", "451 4.3.0 later", Instant.now().plusSeconds(600));
        }
        byte[] state = Files.readAllBytes(msg.resolve(id + ".state"));
        write(msg.resolve(id + ".state"), half(state)); // a disk (or a hand) damaged it after it was written
        // Seen before the relay's next start: shown, as it will be queued again.
        SpoolReader reader = SpoolReader.open(dir);
        assertThat(reader.get(id).orElseThrow().recipients()).extracting(RecipientState::status).containsOnly(Status.PENDING);
        assertThat(reader.damage().stateUnreadable()).containsExactly(id);
        assertRequeued("is not complete JSON");
    }

    private void assertRequeued(String reason) throws IOException {
        List<String> audit = new java.util.ArrayList<>();
        SpoolAudit.Sink recording = new SpoolAudit.Sink() {
            @Override
            public void info(String event, Object... fields) {
                audit.add("INFO " + org.smtpdoctor.relay.RelayEvents.line(event, fields));
            }

            @Override
            public void warn(String event, Object... fields) {
                audit.add("WARN " + org.smtpdoctor.relay.RelayEvents.line(event, fields));
            }
        };
        try (Spool spool = Spool.open(dir, Spool.Options.defaults().withMinFreeBytes(0).withAudit(recording))) {
            assertThat(spool.recovery().quarantined()).isEmpty();
            assertThat(spool.recovery().requeued()).singleElement().asString().startsWith(id + ": ").contains(reason);
            QueuedMessage m = spool.get(id).orElseThrow();
            assertThat(m.recipients()).extracting(RecipientState::recipient).containsExactly("a@contoso.test", "b@contoso.test");
            assertThat(m.recipients()).extracting(RecipientState::status).containsOnly(Status.PENDING);
            assertThat(spool.due(Instant.now())).extracting(QueuedMessage::id).containsExactly(id);
            assertThat(read(spool.content(id))).isEqualTo(CONTENT);
            assertThat(msg.resolve(id + ".state")).doesNotExist();
            assertThat(dir.resolve("corrupt").resolve(id + ".state")).as("kept for whoever wants to look").exists();
            assertThat(SpoolReader.open(dir).corruptMessages()).isZero();
        }
        assertThat(audit).singleElement().asString().startsWith("WARN event=spool.state-damaged id=" + id)
                .contains("rcpt=a@contoso.test,b@contoso.test", "queued again for every recipient");
        try (Spool again = open()) {
            assertThat(again.recovery().requeued()).as("once is enough").isEmpty();
            assertThat(again.get(id).orElseThrow().recipients()).extracting(RecipientState::status).containsOnly(Status.PENDING);
        }
    }

    @Test
    void requeueCorruptPutsBackWhatCanBeReadWholeAndLeavesTheRestWithItsReason() throws Exception {
        write(msg.resolve(id + ".eml"), CONTENT);
        write(msg.resolve(id + ".env"), half(envelopeFile()));
        String cut = new QueueId(Clock.systemUTC()).next();
        write(msg.resolve(cut + ".eml"), CONTENT.substring(0, 5));
        write(msg.resolve(cut + ".env"), SpoolFormat.envelope(cut, ENVELOPE, CONTENT.length()));
        try (Spool spool = open()) {
            assertThat(spool.recovery().quarantined()).hasSize(2);
            assertThat(spool.requeueCorrupt("admin")).extracting(Spool.Requeued::id, r -> r.message().isPresent())
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(id, false), org.assertj.core.groups.Tuple.tuple(cut, false));
        }
        // The envelope restored (from a backup, say): it can go back; the cut content cannot.
        write(dir.resolve("corrupt").resolve(id + ".env"), envelopeFile());
        SpoolReader.Damage before = SpoolReader.open(dir).damage();
        assertThat(before.setAside()).extracting(SpoolReader.Corrupt::id, c -> c.message().isPresent())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(id, true), org.assertj.core.groups.Tuple.tuple(cut, false));
        try (Spool spool = open()) {
            // Two ids made in the same millisecond sort by their random part: found by id, not by place.
            List<Spool.Requeued> r = spool.requeueCorrupt("admin");
            assertThat(r).filteredOn(q -> q.id().equals(id)).singleElement().satisfies(q -> assertThat(q.message()).isPresent());
            assertThat(r).filteredOn(q -> q.id().equals(cut)).singleElement()
                    .satisfies(q -> assertThat(q.detail()).contains("has 5 bytes, its envelope says " + CONTENT.length()));
            assertThat(spool.get(id).orElseThrow().recipients()).extracting(RecipientState::status).containsOnly(Status.PENDING);
            assertThat(read(spool.content(id))).isEqualTo(CONTENT);
        }
        assertThat(dir.resolve("corrupt").resolve(id + ".env")).doesNotExist();
        assertThat(dir.resolve("corrupt").resolve(cut + ".env")).exists();
        try (Spool spool = open()) {
            assertThat(spool.recovery().messages()).as("it survives a restart").isEqualTo(1);
        }
    }

    @Test
    void anEnvelopeOfAnotherFormatVersionIsSetAside() throws Exception {
        write(msg.resolve(id + ".eml"), CONTENT);
        write(msg.resolve(id + ".env"), new String(envelopeFile(), StandardCharsets.UTF_8).replace("\"format\" : 1", "\"format\" : 2"));
        assertQuarantined("format 2, this smtp-doctor reads format 1");
    }

    @Test
    void filesThatAreNotOursAreLeftAlone() throws Exception {
        write(msg.resolve("README.txt"), "hands off");
        try (Spool spool = open()) {
            assertThat(spool.list()).isEmpty();
        }
        assertThat(msg.resolve("README.txt")).exists();
    }

    private void assertQuarantined(String reason) throws IOException {
        try (Spool spool = open()) {
            assertThat(spool.recovery().quarantined()).singleElement().asString().startsWith(id + ": ").contains(reason);
            assertThat(spool.list()).isEmpty();
            assertThat(spool.due(Instant.now())).isEmpty();
            assertThat(msg).isEmptyDirectory();
            assertThat(dir.resolve("corrupt").resolve(id + ".env")).exists();
            assertThat(SpoolReader.open(dir).corruptMessages()).isEqualTo(1);
        }
    }
}
