package org.smtpdoctor.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.smtpdoctor.smtp.Secret;

/**
 * Tokens kept between runs in one JSON file that only its owner may read (0600, in a 0700
 * directory; a cache readable by others is refused rather than used). Keyed by authority,
 * client id and scope. The file is replaced atomically on every store, so a crash leaves
 * the old or the new version; two processes storing at once: the last one wins. Its
 * content is never printed.
 */
public final class TokenCache {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path file;

    public TokenCache(Path file) {
        this.file = file.toAbsolutePath();
    }

    /** $XDG_CACHE_HOME/smtp-doctor/tokens.json, ~/.cache/... or %LOCALAPPDATA%\smtp-doctor\tokens.json. */
    public static Path defaultFile() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        String local = System.getenv("LOCALAPPDATA");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : local != null && !local.isBlank() ? Path.of(local)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("smtp-doctor").resolve("tokens.json");
    }

    public Path file() {
        return file;
    }

    public record Entry(Optional<Secret> accessToken, Instant expiresAt, Optional<Secret> refreshToken) {}

    static String key(Authority authority, String clientId, String scope) {
        return authority + " " + clientId + " " + scope;
    }

    public synchronized Optional<Entry> get(String key) throws TokenException {
        JsonNode e = read().path("entries").path(key);
        if (e.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(secret(e, "access_token"), Instant.ofEpochSecond(e.path("expires_at").asLong(0)),
                secret(e, "refresh_token")));
    }

    public synchronized void put(String key, TokenResult token) throws TokenException {
        ObjectNode root = read();
        ObjectNode entries = root.has("entries") ? (ObjectNode) root.get("entries") : root.putObject("entries");
        ObjectNode e = entries.putObject(key);
        e.put("access_token", token.accessToken().reveal());
        e.put("expires_at", token.expiresAt().getEpochSecond());
        token.refreshToken().ifPresent(r -> e.put("refresh_token", r.reveal()));
        write(root);
    }

    public synchronized void remove(String key) throws TokenException {
        ObjectNode root = read();
        if (root.path("entries") instanceof ObjectNode entries && entries.remove(key) != null) {
            write(root);
        }
    }

    private ObjectNode read() throws TokenException {
        try {
            if (POSIX) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                perms.retainAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ,
                        PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
                if (!perms.isEmpty()) {
                    throw TokenException.local("the token cache " + file + " can be read or written by other users; "
                            + "delete it or run: chmod 600 " + file);
                }
            }
            JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            return root instanceof ObjectNode o && root.path("version").asInt() == 1 ? o : fresh();
        } catch (NoSuchFileException e) {
            return fresh();
        } catch (IOException e) {
            // A damaged cache only costs a new sign-in; it is rewritten on the next store.
            return fresh();
        }
    }

    private void write(ObjectNode root) throws TokenException {
        try {
            Path dir = file.getParent();
            if (POSIX) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
            Path temp = dir.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            if (POSIX) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(root)));
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw TokenException.local("cannot write the token cache " + file + " (" + org.smtpdoctor.io.TextInput.reason(e)
                    + "); use --token-cache FILE or --no-token-cache");
        }
    }

    private static ObjectNode fresh() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.putObject("entries");
        return root;
    }

    private static Optional<Secret> secret(JsonNode e, String field) {
        String v = e.path(field).asText("");
        return v.isEmpty() ? Optional.empty() : Optional.of(Secret.of(v));
    }
}
