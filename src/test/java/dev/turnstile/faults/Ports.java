package dev.turnstile.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports in [16000, 22000), so that a cluster bus port (+10000) stays below the
 * Linux ephemeral range and is checked free too (the range scripts/redis-env.sh uses).
 */
final class Ports {

    private static final int MIN = 16000;
    private static final int SPAN = 6000;
    private static final int BUS_OFFSET = 10000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {}

    static synchronized int free() throws IOException {
        for (int i = 0; i < 1000; i++) {
            int p = MIN + ThreadLocalRandom.current().nextInt(SPAN);
            if (!HANDED_OUT.contains(p) && bindable(p) && bindable(p + BUS_OFFSET)) {
                HANDED_OUT.add(p);
                return p;
            }
        }
        throw new IOException("no free port in [" + MIN + ", " + (MIN + SPAN) + ")");
    }

    private static boolean bindable(int port) {
        try {
            new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
