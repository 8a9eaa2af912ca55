package dev.tokenplane.bms.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A 2 MiB tmpfs mounted on a fresh directory, to fill up: a real full disk for a member's data directory. Needs
 * {@code mount} (root, as in CI and this project's containers): the test is skipped, saying so, where mounting is not
 * permitted.
 */
public final class TinyTmpfs implements AutoCloseable {
    private final Path dir;

    private TinyTmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts it, or skips the test when mounting is not permitted here. */
    public static TinyTmpfs mountOrSkip(String prefix) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(prefix);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean done = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(done, "mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN): " + output);
        return new TinyTmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /**
     * Fills the file system with one file until it is full; delete the file to free the space. It writes ever smaller
     * chunks down to single bytes: a few pages left over would let SQLite write a small record after all, and the
     * member would rightly be ready again while the test thinks its disk is full.
     */
    public Path fill() throws IOException {
        Path filler = dir.resolve("filler");
        for (int size : new int[] {16 * 1024, 1024, 64, 1}) {
            byte[] chunk = new byte[size];
            try (OutputStream out = Files.newOutputStream(
                    filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                while (true) {
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException full) {
                // No space left on device for this chunk size: try a smaller one
            }
        }
        return filler;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("umount", dir.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
}
