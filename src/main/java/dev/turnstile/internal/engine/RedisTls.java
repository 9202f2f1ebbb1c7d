package dev.turnstile.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;

/**
 * The TLS side of Redis connections: a trust store (else the JDK's default trust), an optional
 * key store with the client certificate, and hostname verification (on unless turned off). Built
 * once at start; every problem with a store fails there, naming the setting. Store passwords are
 * never part of a message.
 */
public final class RedisTls {

    public static final String DEFAULT_STORE_TYPE = "PKCS12";

    /** How a PEM file starts, and what to do with one. */
    private static final String PEM_START = "-----BEGIN";

    private static final String PEM_HINT = "import its certificates into a PKCS12 trust store: keytool -importcert"
            + " -file FILE -storetype PKCS12 -keystore redis-truststore.p12; a client key: openssl pkcs12 -export";

    private final SSLSocketFactory socketFactory;
    private final boolean verifyHostname;

    private RedisTls(SSLSocketFactory socketFactory, boolean verifyHostname) {
        this.socketFactory = socketFactory;
        this.verifyHostname = verifyHostname;
    }

    /** A key or trust store file, as the settings give it. */
    public record Store(String setting, String path, String password, String type) {
        /** The password as the JDK takes it (an empty one when none was given). */
        char[] secret() {
            return password == null ? new char[0] : password.toCharArray();
        }

        @Override
        public String toString() {
            return setting + " " + path + " (" + type + ")"; // never the password
        }
    }

    /**
     * Loads the stores and builds the TLS context. {@code trust} null: the JDK's default trust
     * (its {@code cacerts}, or {@code javax.net.ssl.trustStore}); {@code key} null: no client certificate.
     */
    public static RedisTls create(Store trust, Store key, boolean verifyHostname) {
        try {
            TrustManager[] trustManagers = trust == null ? null : trustManagers(holding(load(trust), trust, false));
            KeyManager[] keyManagers = key == null ? null : keyManagers(holding(load(key), key, true), key);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return new RedisTls(context.getSocketFactory(), verifyHostname);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the Redis TLS context cannot be made: " + e.getMessage(), e);
        }
    }

    /**
     * TLS on, with this context, and the host name checked against the server's certificate. These
     * builder methods are deprecated since Jedis 7.x (for {@code sslOptions}) but the same from 6.0 to
     * 8.0, and they behave the same there: with parameters given, Jedis adds none of its own.
     */
    @SuppressWarnings("deprecation")
    public DefaultJedisClientConfig.Builder applyTo(DefaultJedisClientConfig.Builder builder) {
        SSLParameters parameters = new SSLParameters();
        if (verifyHostname) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // as browsers do: the name or IP in the SAN
        }
        return builder.ssl(true).sslSocketFactory(socketFactory).sslParameters(parameters);
    }

    private static KeyStore load(Store store) {
        KeyStore keyStore;
        try {
            keyStore = KeyStore.getInstance(store.type());
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(store.setting() + "-type is not a key store type this JVM knows"
                    + " (PKCS12, JKS): '" + store.type() + "'");
        }
        try (InputStream in = Files.newInputStream(Path.of(store.path()))) {
            keyStore.load(in, store.secret());
            return keyStore;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    store.setting() + " names a file that does not exist: '" + store.path() + "'");
        } catch (IOException | GeneralSecurityException e) {
            if (isPem(store)) {
                throw new IllegalArgumentException(
                        store.setting() + " is a PEM file, not a key store: '" + store.path() + "' (" + PEM_HINT + ")");
            }
            throw new IllegalArgumentException(
                    store.setting() + " cannot be read as " + store.type().toUpperCase(Locale.ROOT) + " with "
                            + store.setting() + "-password: '" + store.path() + "' (" + reason(e) + ")");
        }
    }

    /** Whether the store's file starts as PEM text does (a {@code ca.crt} given where a key store belongs). */
    private static boolean isPem(Store store) {
        try (InputStream in = Files.newInputStream(Path.of(store.path()))) {
            return new String(in.readNBytes(PEM_START.length()), StandardCharsets.US_ASCII).equals(PEM_START);
        } catch (IOException e) {
            return false;
        }
    }

    /** The store, if it holds a private key (a key store) or a certificate (a trust store). */
    private static KeyStore holding(KeyStore keyStore, Store store, boolean privateKey) throws KeyStoreException {
        for (String alias : Collections.list(keyStore.aliases())) {
            if (privateKey
                    ? keyStore.isKeyEntry(alias)
                    : keyStore.isCertificateEntry(alias) || keyStore.isKeyEntry(alias)) {
                return keyStore;
            }
        }
        throw new IllegalArgumentException(store.setting() + " holds no " + (privateKey ? "private key" : "certificate")
                + ": '" + store.path() + "'"
                + (privateKey
                        ? ""
                        : " (certificates in a PKCS12 file that openssl wrote"
                                + " without keys are not trusted by Java: import the CA with keytool -importcert)"));
    }

    private static TrustManager[] trustManagers(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static KeyManager[] keyManagers(KeyStore store, Store settings) throws GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        try {
            factory.init(store, settings.secret()); // the key's password is the store's, as in PKCS12
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException(settings.setting() + " holds a private key that " + settings.setting()
                    + "-password does not open (the key's password must be the store's): '" + settings.path() + "'");
        }
        return factory.getKeyManagers();
    }

    private static String reason(Exception e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
