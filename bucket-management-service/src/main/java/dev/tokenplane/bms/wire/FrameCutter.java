package dev.tokenplane.bms.wire;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts the length-prefixed frames of the decision protocol out of a connection's buffers in place: each whole frame
 * is handed over as its buffer and offset, without a copy; only the tail of a buffer that ends inside a frame is kept
 * (copied) until the next buffer completes it. (Vert.x's {@code RecordParser} copied every length prefix and every
 * frame into buffers of their own.)
 *
 * <p>Stops cutting as soon as its {@link Sink} stops {@linkplain Sink#accepting() accepting} (a paused connection):
 * what was not cut yet is kept, and {@link #drain} cuts it once the sink accepts again. Not thread-safe: one
 * connection's event loop uses it.
 */
final class FrameCutter {
    /** Where the frames go. */
    interface Sink {
        /** Whether more frames may be handed over now. */
        boolean accepting();

        /** A whole frame (after its length prefix): {@code length} bytes of {@code data} from {@code at}. */
        void frame(Buffer data, int at, int length);

        /** A length prefix below 1 or above the limit: nothing more is cut from this connection. */
        void badLength(int length);
    }

    private final int maxFrameBytes;
    private final Sink sink;
    /** The bytes received but not cut yet (a frame's beginning, or frames that arrived while paused); null if none. */
    private Buffer rest;

    private boolean broken;

    FrameCutter(int maxFrameBytes, Sink sink) {
        this.maxFrameBytes = maxFrameBytes;
        this.sink = sink;
    }

    /** Cuts what {@code data} completes, after whatever was kept from before. */
    void feed(Buffer data) {
        if (rest != null) {
            Buffer kept = rest;
            rest = null;
            cut(kept.appendBuffer(data));
        } else {
            cut(data);
        }
    }

    /** Cuts what was kept while the sink was not accepting. */
    void drain() {
        if (rest != null) {
            Buffer kept = rest;
            rest = null;
            cut(kept);
        }
    }

    private void cut(Buffer data) {
        int end = data.length();
        int at = 0;
        while (!broken && sink.accepting() && end - at >= 4) {
            int length = data.getInt(at);
            if (length < 1 || length > maxFrameBytes) {
                broken = true; // checked before the frame is read: a garbage prefix costs nothing
                sink.badLength(length);
                return;
            }
            if (end - at - 4 < length) {
                break;
            }
            sink.frame(data, at + 4, length);
            at += 4 + length;
        }
        if (at < end && !broken) {
            // a copy of the tail only: the next buffer is appended to it
            rest = Buffer.buffer(Math.max(end - at, 256)).appendBuffer(data, at, end - at);
        }
    }
}
