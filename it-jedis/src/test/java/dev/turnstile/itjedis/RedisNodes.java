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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The tests' own access to the Redis servers: a few commands on every node, sent as raw RESP2 over
 * a socket, so that no test code depends on the Jedis API under test.
 */
final class RedisNodes {

    /** A standalone server, as {@code redis://host:port}. */
    static final String REDIS = "turnstile.test.redis";
    /** The masters of a Cluster, as {@code host:port,host:port,...}. */
    static final String CLUSTER = "turnstile.test.cluster";
    /** A master's name and its Sentinels, as {@code NAME@host:port,host:port,...}. */
    static final String SENTINEL = "turnstile.test.sentinel";
    /** A TLS-only server, as {@code rediss://host:port}, and the directory of its test stores. */
    static final String TLS = "turnstile.test.tls";
    static final String TLS_DIR = "turnstile.test.tls-dir";

    /** An error reply. */
    record ErrorReply(String message) {}

    private final List<InetSocketAddress> nodes;
    private final SocketFactory sockets;

    private RedisNodes(List<InetSocketAddress> nodes) {
        this(nodes, SocketFactory.getDefault());
    }

    private RedisNodes(List<InetSocketAddress> nodes, SocketFactory sockets) {
        this.nodes = List.copyOf(nodes);
        this.sockets = sockets;
    }

    static RedisNodes standalone() {
        URI uri = URI.create(System.getProperty(REDIS));
        return new RedisNodes(List.of(new InetSocketAddress(uri.getHost(), uri.getPort())));
    }

    static RedisNodes cluster() {
        return new RedisNodes(addresses(System.getProperty(CLUSTER)));
    }

    /** The master that the first Sentinel names now. */
    static RedisNodes sentinelMaster() {
        List<InetSocketAddress> sentinels = sentinels();
        return new RedisNodes(List.of(masterOf(sentinels.get(0))));
    }

    /** The Sentinels of {@link #SENTINEL}. */
    static List<InetSocketAddress> sentinels() {
        String value = System.getProperty(SENTINEL);
        return addresses(value.substring(value.indexOf('@') + 1));
    }

    /** The master name of {@link #SENTINEL}. */
    static String masterName() {
        String value = System.getProperty(SENTINEL);
        return value.substring(0, value.indexOf('@'));
    }

    /** The master that {@code sentinel} names now. */
    static InetSocketAddress masterOf(InetSocketAddress sentinel) {
        List<?> address = (List<?>) call(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName());
        return new InetSocketAddress((String) address.get(0), Integer.parseInt((String) address.get(1)));
    }

    /** The TLS-only server, reached over TLS with the test stores' client certificate. */
    static RedisNodes tls() {
        URI uri = URI.create(System.getProperty(TLS));
        return new RedisNodes(List.of(new InetSocketAddress(uri.getHost(), uri.getPort())), tlsSockets());
    }

    /** A path in the TLS test directory. */
    static String tlsFile(String name) {
        return Path.of(System.getProperty(TLS_DIR), name).toString();
    }

    /** The password of the TLS test stores. */
    static String tlsPassword() {
        try {
            return Files.readString(Path.of(tlsFile("store.pass"))).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SocketFactory tlsSockets() {
        try {
            char[] password = tlsPassword().toCharArray();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            KeyStore key = KeyStore.getInstance("PKCS12");
            try (InputStream t = Files.newInputStream(Path.of(tlsFile("truststore.p12")));
                 InputStream k = Files.newInputStream(Path.of(tlsFile("client.p12")))) {
                trust.load(t, password);
                key.load(k, password);
            }
            TrustManagerFactory trusted = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trusted.init(trust);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(key, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trusted.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the TLS test stores in " + System.getProperty(TLS_DIR), e);
        }
    }

    private static List<InetSocketAddress> addresses(String value) {
        List<InetSocketAddress> nodes = new ArrayList<>();
        for (String node : value.split(",")) {
            int colon = node.trim().lastIndexOf(':');
            nodes.add(new InetSocketAddress(node.trim().substring(0, colon), Integer.parseInt(node.trim().substring(colon + 1))));
        }
        return nodes;
    }

    /** {@code SCRIPT FLUSH} on every node: the next EVALSHA of each script answers NOSCRIPT. */
    void flushScripts() {
        for (InetSocketAddress node : nodes) {
            Object reply = call(sockets, node, "SCRIPT", "FLUSH");
            if (!"OK".equals(reply)) {
                throw new IllegalStateException("SCRIPT FLUSH on " + node + ": " + reply);
            }
        }
    }

    /** EVALSHA commands run so far, over every node ({@code INFO commandstats}). */
    long evalshaCalls() {
        long calls = 0;
        for (InetSocketAddress node : nodes) {
            for (String line : ((String) call(sockets, node, "INFO", "commandstats")).split("\r\n")) {
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
            if (call(sockets, node, "PUBSUB", "SHARDNUMSUB", channel) instanceof List<?> reply) {
                subscribers += (Long) reply.get(1);
            }
        }
        return subscribers;
    }

    /** Shard channels with subscribers whose name matches {@code pattern}, over every node ({@code PUBSUB SHARDCHANNELS}). */
    long shardChannels(String pattern) {
        long channels = 0;
        for (InetSocketAddress node : nodes) {
            if (call(sockets, node, "PUBSUB", "SHARDCHANNELS", pattern) instanceof List<?> reply) {
                channels += reply.size();
            }
        }
        return channels;
    }

    /** One command on one node, on a plain connection of its own. */
    static Object call(InetSocketAddress node, String... command) {
        return call(SocketFactory.getDefault(), node, command);
    }

    /** One command on one node, on a connection of its own from {@code sockets}. */
    static Object call(SocketFactory sockets, InetSocketAddress node, String... command) {
        try (Socket socket = sockets.createSocket(node.getHostString(), node.getPort())) {
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
