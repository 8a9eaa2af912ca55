package dev.tokenplane.bms.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures every log line of the test JVM (all levels the configuration lets through, with stack traces). */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
    private static LogCapture installed;
    private final List<String> lines = new ArrayList<>();

    /** Attaches the capture to the root logger (once per JVM). */
    public static synchronized LogCapture install() {
        if (installed == null) {
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            LogCapture c = new LogCapture();
            c.setContext(ctx);
            c.setName("test-capture");
            c.start();
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(c);
            installed = c;
        }
        return installed;
    }

    @Override
    protected synchronized void append(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            sb.append('\n').append(ThrowableProxyUtil.asString(t));
        }
        lines.add(sb.toString());
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
