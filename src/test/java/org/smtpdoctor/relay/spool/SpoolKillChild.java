package org.smtpdoctor.relay.spool;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link SpoolKillTest}: opens the spool in {@code args[0]}, and with
 * {@code args[1]} threads accepts messages until killed, printing "ID TAG" for each only
 * after {@code accept} returned (that is the 250 a listener would send). Each message's
 * sender and content are derived from its tag, so the test can tell whole content from not.
 */
public final class SpoolKillChild {

    public static void main(String[] args) throws Exception {
        Spool spool = Spool.open(Path.of(args[0]), Spool.Options.defaults().withMinFreeBytes(0));
        int threads = Integer.parseInt(args[1]);
        String run = args[2];
        AtomicLong seq = new AtomicLong();
        System.out.println("open " + spool.recovery().messages());
        System.out.flush();
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                try {
                    while (true) {
                        String tag = run + "-" + seq.incrementAndGet();
                        String id = spool.accept(TestMessages.envelope(tag + "@lan.test", "a@contoso.test"),
                                new ByteArrayInputStream(content(tag).getBytes(StandardCharsets.UTF_8)));
                        synchronized (System.out) {
                            System.out.println(id + " " + tag);
                            System.out.flush();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(3);
                }
            }).start();
        }
    }

    /** A few kilobytes, so a kill can land in the middle of writing content. */
    static String content(String tag) {
        return TestMessages.content(tag) + ("Line of " + tag + " padding padding padding padding padding\r\n").repeat(60);
    }
}
