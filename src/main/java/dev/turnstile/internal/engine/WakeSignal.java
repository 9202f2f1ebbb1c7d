package dev.turnstile.internal.engine;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a waiter on its own thread sleeps on: {@link #run()} (the board's wake-up) sets it, and a
 * wake-up that came between {@link #clear()} and {@link #await} is not missed.
 */
final class WakeSignal implements Runnable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean set; // guarded by lock

    @Override
    public void run() {
        lock.lock();
        try {
            set = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Before an attempt: what comes from now on wakes the next {@link #await}. */
    void clear() {
        lock.lock();
        try {
            set = false;
        } finally {
            lock.unlock();
        }
    }

    /** Until woken or {@code max} passed; true when woken. */
    boolean await(Duration max) throws InterruptedException {
        long nanos = max.toNanos();
        lock.lock();
        try {
            while (!set) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = woken.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
