package dev.ripple.testing;

import org.jboss.logmanager.ExtLogRecord;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log record while it is open, as a line with its level, logger, message, parameters and exception, so a test
 * can say that a secret reached none of them. Optionally lowers a category's level so DEBUG lines are checked too.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger category;
    private final Level previousLevel;

    private LogCapture(String category) {
        this.category = category == null ? null : Logger.getLogger(category);
        this.previousLevel = this.category == null ? null : this.category.getLevel();
        if (this.category != null) {
            this.category.setLevel(Level.ALL);
        }
        setLevel(Level.ALL);
        Logger.getLogger("").addHandler(this);
    }

    /** Captures what the loggers let through at their current levels. */
    public static LogCapture start() {
        return new LogCapture(null);
    }

    /** Captures everything, and every level of {@code category} (a logger name or a prefix of one). */
    public static LogCapture startWithAllOf(String category) {
        return new LogCapture(category);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        // JBoss records may hold a pattern and its parameters; the line has both, and the formatted text.
        String formatted = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        lines.add(record.getLevel() + " " + record.getLoggerName() + " " + formatted + " " + record.getMessage() + " "
                + Arrays.toString(record.getParameters()) + " "
                + (record.getThrown() == null ? "" : record.getThrown()));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
        if (category != null) {
            category.setLevel(previousLevel);
        }
    }
}
