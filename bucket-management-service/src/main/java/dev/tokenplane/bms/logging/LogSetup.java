package dev.tokenplane.bms.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import dev.tokenplane.runtime.IsoJsonEncoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code BMS_LOG_LEVEL} and {@code BMS_LOG_FORMAT} to the configuration of {@code logback.xml} (text lines with
 * ISO-8601 times and the request id). Called once by {@code BmsMain}, before the member starts; a BMS embedded in
 * another program keeps that program's logging.
 */
public final class LogSetup {
    /** The console appender of {@code logback.xml}. */
    static final String CONSOLE = "STDOUT";

    private LogSetup() {}

    /**
     * @param level ERROR, WARN, INFO, DEBUG or TRACE, any case (validated by {@code BmsSettings})
     * @param json  JSON lines ({@link IsoJsonEncoder}) instead of text
     */
    public static void apply(String level, boolean json) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: its own configuration rules
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
        Appender<ILoggingEvent> current = root.getAppender(CONSOLE);
        if (json && current instanceof ConsoleAppender<ILoggingEvent> console) {
            IsoJsonEncoder encoder = new IsoJsonEncoder();
            encoder.setContext(context);
            encoder.start();
            console.stop();
            console.setEncoder(encoder);
            console.start();
        }
    }
}
