package org.smtpdoctor.relay.spool;

import java.nio.file.Path;

/** Child JVM of {@link SpoolTest}: tries to open the spool in args[0]; prints "opened" or the refusal. */
public final class SpoolLockProbe {

    public static void main(String[] args) throws Exception {
        try (Spool spool = Spool.open(Path.of(args[0]), Spool.Options.defaults().withMinFreeBytes(0))) {
            System.out.println("opened");
        } catch (SpoolInUseException e) {
            System.out.println(e.getMessage());
        }
    }
}
