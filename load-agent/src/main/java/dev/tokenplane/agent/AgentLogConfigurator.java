package dev.tokenplane.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.tokenplane.runtime.IsoJsonEncoder;
import java.util.Locale;

/**
 * Configures logback in code (found through {@code META-INF/services}): one console appender on stderr. An XML
 * configuration would load logback's Joran and the JDK's XML parser, about 600 classes and several MiB of
 * metaspace, in an agent whose budget is 64 MiB. The level ({@code AGENT_LOG_LEVEL}) and the format
 * ({@code AGENT_LOG_FORMAT}) are set by {@link #apply}.
 */
public final class AgentLogConfigurator extends ContextAwareBase implements Configurator {
    private static final String APPENDER = "stderr";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(APPENDER);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        root.setLevel(Level.INFO);
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("oshi").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Sets the root level, and JSON lines ({@link IsoJsonEncoder}) instead of text when {@code json}.
     *
     * @param level ERROR, WARN, INFO, DEBUG or TRACE (validated by {@link AgentConfig})
     */
    static void apply(String level, boolean json) {
        if (org.slf4j.LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
            if (json && root.getAppender(APPENDER) instanceof ConsoleAppender<ILoggingEvent> console) {
                IsoJsonEncoder encoder = new IsoJsonEncoder();
                encoder.setContext(root.getLoggerContext());
                encoder.start();
                console.stop();
                console.setEncoder(encoder);
                console.start();
            }
        }
    }
}
