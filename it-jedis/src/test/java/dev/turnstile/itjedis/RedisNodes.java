package dev.turnstile.itjedis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The tests' own access to the Redis servers: a few commands on every node, sent as raw RESP2 over
 * a socket, so that no test code depends on the Jedis API under test.
 */
final class RedisNodes {

    /** A standalone server, as {@code redis://host:port}. */
    static final String REDIS = "turnstile.test.redis";
    /** The masters of a Cluster, as {@code host:port,host:port,...}. */
    static final String CLUSTER = "turnstile.test.cluster";

    /** An error reply. */
    record ErrorReply(String message) {}

    private final List<InetSocketAddress> nodes;

    private RedisNodes(List<InetSocketAddress> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    static RedisNodes standalone() {
        URI uri = URI.create(System.getProperty(REDIS));
        return new RedisNodes(List.of(new InetSocketAddress(uri.getHost(), uri.getPort())));
    }

    static RedisNodes cluster() {
        List<InetSocketAddress> nodes = new ArrayList<>();
        for (String node : System.getProperty(CLUSTER).split(",")) {
            int colon = node.trim().lastIndexOf(':');
            nodes.add(new InetSocketAddress(node.trim().substring(0, colon), Integer.parseInt(node.trim().substring(colon + 1))));
        }
        return new RedisNodes(nodes);
    }

    /** {@code SCRIPT FLUSH} on every node: the next EVALSHA of each script answers NOSCRIPT. */
    void flushScripts() {
        for (InetSocketAddress node : nodes) {
            Object reply = call(node, "SCRIPT", "FLUSH");
            if (!"OK".equals(reply)) {
                throw new IllegalStateException("SCRIPT FLUSH on " + node + ": " + reply);
            }
        }
    }

    /** EVALSHA commands run so far, over every node ({@code INFO commandstats}). */
    long evalshaCalls() {
        long calls = 0;
        for (InetSocketAddress node : nodes) {
            for (String line : ((String) call(node, "INFO", "commandstats")).split("\r\n")) {
                if (line.startsWith("cmdstat_evalsha:calls=")) {
                    calls += Long.parseLong(line.substring("cmdstat_evalsha:calls=".length()).split(",")[0]);
                }
            }
        }
        return calls;
    }

    /** Subscribers of a shard channel, over every node ({@code PUBSUB SHARDNUMSUB}). */
    long shardSubscribers(String channel) {
        long subscribers = 0;
        for (InetSocketAddress node : nodes) {
            if (call(node, "PUBSUB", "SHARDNUMSUB", channel) instanceof List<?> reply) {
                subscribers += (Long) reply.get(1);
            }
        }
        return subscribers;
    }

    /** Shard channels with subscribers whose name matches {@code pattern}, over every node ({@code PUBSUB SHARDCHANNELS}). */
    long shardChannels(String pattern) {
        long channels = 0;
        for (InetSocketAddress node : nodes) {
            if (call(node, "PUBSUB", "SHARDCHANNELS", pattern) instanceof List<?> reply) {
                channels += reply.size();
            }
        }
        return channels;
    }

    /** One command on one node, on a connection of its own. */
    static Object call(InetSocketAddress node, String... command) {
        try (Socket socket = new Socket(node.getHostString(), node.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
            for (String arg : command) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("Redis " + node, e);
        }
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                return new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bulk = in.readNBytes(length);
                in.readNBytes(2);
                return new String(bulk, StandardCharsets.UTF_8);
            }
            case '*': {
                List<Object> items = new ArrayList<>();
                for (int i = Integer.parseInt(line); i > 0; i--) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply type " + type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            line.append((char) c);
        }
        in.read(); // '\n'
        return line.toString();
    }
}
