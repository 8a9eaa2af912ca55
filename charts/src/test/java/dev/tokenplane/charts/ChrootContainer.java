package dev.tokenplane.charts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * An image's process started from its unpacked root ({@link ImageRoot}) the way a container runtime starts it, with
 * util-linux in place of a runtime: new mount and PID namespaces ({@code unshare --mount --pid --fork}); /proc, a
 * read-only /sys, a small /dev and the machine's /etc/hosts and /etc/resolv.conf mounted into the root; then
 * {@code chroot} into it and {@code exec} of the image's entrypoint and command, in its working directory, with its
 * environment (plus the variables given). There is no network namespace: a server in the image listens on the
 * machine's own interfaces. Needs root.
 *
 * <p>The mounts live in the private mount namespace and vanish with it. The image's program is PID 1 of its
 * namespace, as in a container, so it gets SIGTERM only if it handles SIGTERM (the JVM does); it gets SIGKILL when
 * the {@code unshare} above it dies ({@code --kill-child}).
 */
final class ChrootContainer implements AutoCloseable {

    /** Docker's PATH for images that set none. */
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Runs as PID 1 of the new namespaces, then becomes the image's program: $1 root, $2 workdir, then argv. */
    private static final String SETUP = String.join(
            "\n",
            "set -e",
            "root=$1 wd=$2",
            "shift 2",
            "mount -t proc proc \"$root/proc\"",
            "mount -t sysfs -o ro sysfs \"$root/sys\"",
            "mount -t tmpfs -o nosuid,mode=755 tmpfs \"$root/dev\"",
            "for d in null zero full random urandom tty; do",
            "  touch \"$root/dev/$d\" && mount --bind \"/dev/$d\" \"$root/dev/$d\"",
            "done",
            "mkdir \"$root/dev/shm\" && mount -t tmpfs -o nosuid,nodev tmpfs \"$root/dev/shm\"",
            "ln -s /proc/self/fd \"$root/dev/fd\"",
            "for f in hosts resolv.conf; do",
            "  [ -e \"$root/etc/$f\" ] || touch \"$root/etc/$f\"",
            "  mount --bind -o ro \"/etc/$f\" \"$root/etc/$f\"",
            "done",
            "exec unshare --root=\"$root\" --wd=\"$wd\" -- \"$@\"");

    private final Process unshare;
    private final Path log;

    private ChrootContainer(Process unshare, Path log) {
        this.unshare = unshare;
        this.log = log;
    }

    /**
     * Starts {@code image}'s entrypoint and command inside {@code root}; the output (stdout and stderr) goes to
     * {@code log}.
     *
     * @param environment variables added to the image's own, winning over them
     */
    static ChrootContainer start(ContainerImage image, Path root, Map<String, String> environment, Path log)
            throws IOException {
        if (!image.user().isEmpty()) {
            throw new IllegalArgumentException("images with a User (" + image.user() + ") are not supported");
        }
        List<String> argv = new ArrayList<>(image.entrypoint());
        argv.addAll(image.cmd());
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("the image has neither an entrypoint nor a command");
        }
        List<String> command = new ArrayList<>(List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "--propagation",
                "private",
                "--",
                "/bin/sh",
                "-c",
                SETUP,
                "container",
                root.toAbsolutePath().toString(),
                image.workingDir()));
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = new HashMap<>(image.env());
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.putAll(environment);
        builder.environment().clear();
        builder.environment().putAll(env);
        return new ChrootContainer(builder.start(), log);
    }

    /** The image's program: PID 1 of the namespace, seen from here. */
    ProcessHandle program() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            var child = unshare.toHandle().children().findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            if (!unshare.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("unshare started no process; see " + log);
    }

    boolean isAlive() {
        return unshare.isAlive();
    }

    Path log() {
        return log;
    }

    /** Sends SIGTERM to the image's program, as {@code docker stop} and Kubernetes do. */
    void terminate() throws InterruptedException {
        program().destroy();
    }

    /** Waits for the program to exit; its exit code, or empty if it is still running after {@code timeout}. */
    OptionalInt waitFor(Duration timeout) throws InterruptedException {
        return unshare.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(unshare.exitValue())
                : OptionalInt.empty();
    }

    /** SIGKILL to the whole namespace, if anything still runs. */
    @Override
    public void close() throws InterruptedException {
        if (unshare.isAlive()) {
            unshare.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            unshare.destroyForcibly();
            unshare.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
