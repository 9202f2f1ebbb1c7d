package dev.turnstile.testing;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A class loader over this test run's class path less the entries whose path contains one of
 * the given parts (for example {@code "yasson"}): the library's own classes, loaded afresh, as
 * an application without those jars would load them. Its parent is the platform class loader.
 */
public final class ClassPathWithout {

    private ClassPathWithout() {}

    public static URLClassLoader loader(String... left) {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Arrays.stream(left).noneMatch(entry::contains)) {
                urls.add(url(entry));
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static URL url(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }
}
