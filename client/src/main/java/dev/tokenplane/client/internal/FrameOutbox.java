package dev.tokenplane.client.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The frames waiting to be written on one decision connection, in the order their callers queued them, and who writes
 * them: whichever caller finds nobody writing writes them all in one flush, while the others leave their frame to it and
 * return at once, so concurrent acquires share a system call and never wait for each other's writes (a slow reader on
 * the BMS's side holds one caller, not all). Closed to writers until {@link #open} (while the connection opens, and for
 * good if opening fails): frames queue meanwhile, and are written first once it is open. Thread-safe.
 */
final class FrameOutbox {
    private final Queue<byte[]> frames = new ConcurrentLinkedQueue<>();
    /** One thread is writing; held from the start until {@link #open}, so nobody writes to a connection opening. */
    private final AtomicBoolean writing = new AtomicBoolean(true);
    /** Told of a failed write (which ends the connection, and so fails every frame's acquire, the queued ones too). */
    private final Consumer<IOException> onFailure;

    /** Set by {@link #open} before it lets go of {@link #writing} (which publishes it to the writers). */
    private OutputStream out;

    FrameOutbox(Consumer<IOException> onFailure) {
        this.onFailure = onFailure;
    }

    /** The connection is open: {@code out} takes the frames from now on, first the ones queued while it opened. */
    void open(OutputStream out) {
        this.out = out;
        writing.set(false);
        writeQueued();
    }

    /** Queues {@code frame} and writes the queue, unless another thread is writing it (or the connection is not open). */
    void write(byte[] frame) {
        frames.add(frame);
        writeQueued();
    }

    /** Writes the queue unless another thread is; looks again after letting go, so no frame is left behind. */
    private void writeQueued() {
        while (!frames.isEmpty() && writing.compareAndSet(false, true)) {
            try {
                for (byte[] next = frames.poll(); next != null; next = frames.poll()) {
                    out.write(next);
                }
                out.flush();
            } catch (IOException e) {
                onFailure.accept(e);
            } finally {
                writing.set(false);
            }
        }
    }
}
