package dev.turnstile.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 between one worker and the standalone Redis, whose network the run
 * can cut. While cut, nothing is forwarded in either direction, but every socket stays open and
 * new connections are accepted (and not forwarded either); bytes that arrive meanwhile are held.
 * Heal forwards everything held, so a command the client has already given up on still reaches
 * Redis afterwards: the slow-network case. A connection closed on one side is closed on the
 * other once the held bytes went through.
 */
final class NetProxy implements AutoCloseable {

    private static final int BUFFER = 16 * 1024;

    private final ServerSocket server;
    private final Object gate = new Object();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile int targetPort;
    private volatile boolean cut;
    private volatile boolean closed;

    NetProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fault-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    /** New connections go to this port; open ones stay where they are. */
    void target(int port) {
        targetPort = port;
    }

    void cut() {
        cut = true;
    }

    void heal() {
        synchronized (gate) {
            cut = false;
            gate.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                AtomicInteger ended = new AtomicInteger();
                pump(client, upstream, ended, "up");
                pump(upstream, client, ended, "down");
            } catch (IOException e) {
                // the target is down (a restart): the client sees its connection closed
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicInteger ended, String direction) {
        Thread t = new Thread(() -> forward(from, to, ended), "fault-proxy-" + direction);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Copies one direction. At the end of the stream the other side gets a FIN after the held
     * bytes (not a reset, which could overtake them); both sockets close when both directions
     * ended or one failed.
     */
    private void forward(Socket from, Socket to, AtomicInteger ended) {
        byte[] buf = new byte[BUFFER];
        boolean clean = false;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                awaitOpen();
                out.write(buf, 0, n);
                out.flush();
            }
            awaitOpen();
            to.shutdownOutput();
            clean = true;
        } catch (IOException | InterruptedException e) {
            // one side went away
        } finally {
            if (!clean || ended.incrementAndGet() == 2) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (cut && !closed) {
                gate.wait();
            }
        }
    }

    private void closeQuietly(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        heal();
        try {
            server.close();
        } catch (IOException e) {
            // ignore
        }
        sockets.forEach(this::closeQuietly);
    }
}
