package dev.turnstile.internal.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/**
 * Makes the threads of one executor (or one worker), named {@code name}, daemon where the base
 * factory allows it, and joins them when it is shut down: an executor's {@code awaitTermination}
 * returns before its threads have ended, and a container that checks for left threads right
 * after an undeploy would still see them. The threads come from the base factory: a plain
 * {@code new Thread} by default, or the one the application supplied (for example a Jakarta
 * Concurrency {@code ManagedThreadFactory}).
 */
final class DaemonThreads implements ThreadFactory {

    /** Plain threads, when the application supplied no factory. */
    static final ThreadFactory PLAIN = Thread::new;

    private final String name;
    private final ThreadFactory base;
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    DaemonThreads(String name) {
        this(name, PLAIN);
    }

    /** Threads from {@code base} (null: {@link #PLAIN}). */
    DaemonThreads(String name, ThreadFactory base) {
        this.name = name;
        this.base = base == null ? PLAIN : base;
    }

    /** A thread from the base factory, or null when it gave none (an executor then refuses the task). */
    @Override
    public Thread newThread(Runnable r) {
        Thread t = base.newThread(r);
        if (t == null) {
            return null;
        }
        try {
            t.setName(name);
            if (!t.isDaemon()) {
                t.setDaemon(true);
            }
        } catch (SecurityException | IllegalThreadStateException e) {
            // a managed factory may keep its own name or daemon status: the thread is still joined
        }
        started.removeIf(s -> !s.isAlive());
        started.add(t);
        return t;
    }

    /** Starts one thread running {@code r}. */
    Thread start(Runnable r) {
        Thread t = newThread(r);
        if (t == null) {
            throw new IllegalStateException("the thread factory gave no thread for " + name);
        }
        t.start();
        return t;
    }

    /** Waits up to {@code millis} in all for every thread made here to end (after a shutdown). */
    void join(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        for (Thread t : started) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0 || t == Thread.currentThread()) {
                continue;
            }
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
