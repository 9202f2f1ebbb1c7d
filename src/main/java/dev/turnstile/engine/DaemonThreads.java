package dev.turnstile.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/**
 * Makes the daemon threads of one executor, named {@code name}, and joins them when it is shut
 * down: an executor's {@code awaitTermination} returns before its threads have ended, and a
 * container that checks for left threads right after an undeploy would still see them.
 */
final class DaemonThreads implements ThreadFactory {

    private final String name;
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    DaemonThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        started.removeIf(s -> !s.isAlive());
        started.add(t);
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
