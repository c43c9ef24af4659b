package dev.ripple.cells;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that read the cells' list answers (tens of kilobytes of JSON each), one per core. Not the Vert.x event
 * loops: those also serve Ripple's own API, and a ring of 500 answers parsed on them made every query that arrived
 * meanwhile wait its turn behind the parsing. Here the event loops only move bytes; the operating system shares the
 * cores between these threads and a query as it does between any threads.
 */
@ApplicationScoped
public class CellAnswerThreads implements Executor {
    private final ExecutorService pool;

    public CellAnswerThreads() {
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "ripple-cell-answers-" + n.incrementAndGet());
            t.setDaemon(true);
            // Behind the query API when the cores are busy (with -XX:ThreadPriorityPolicy=1; docs/operations.md).
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
    }

    @Override
    public void execute(Runnable command) {
        pool.execute(command);
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
