package dev.depot.server;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * Depot's logging, set up in code: one line per event on standard error (written by a thread of
 * its own, so requests do not wait for it), in UTC, at the level
 * {@code DEPOT_LOG_LEVEL} names (INFO by default), with the libraries' chatter held back. Logback
 * finds it through {@code META-INF/services}; reading an XML file instead cost a third of a second
 * of every start (the XML parser and Joran's classes).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    private static final Map<String, Level> QUIET = Map.of("org.eclipse.jetty", Level.WARN, "com.zaxxer.hikari", Level.WARN,
            "org.flywaydb", Level.WARN, "io.javalin", Level.WARN, "com.password4j", Level.ERROR);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{0} %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        // lines are written by one thread of their own, so a request never waits for standard error;
        // none is dropped (a full queue makes the logger wait), and what is queued is written at exit
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ASYNC");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setMaxFlushTime(2000);
        async.addAppender(stderr);
        async.start();
        Runtime.getRuntime().addShutdownHook(new Thread(context::stop, "log-flush"));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv().getOrDefault("DEPOT_LOG_LEVEL", "INFO"), Level.INFO));
        root.addAppender(async);
        QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
