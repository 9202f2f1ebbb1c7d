package dev.turnstile;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No public or protected signature of an API package mentions an internal package or a Jedis type. */
class PublicApiTest {

    private static final List<String> FORBIDDEN = List.of("dev.turnstile.internal.", "redis.clients.");

    @Test
    void shouldKeepInternalAndJedisTypesOutOfEveryApiSignature() throws Exception {
        Path root = Path.of(Turnstile.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("dev/turnstile"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (!name.startsWith("dev.turnstile.internal.")) {
                    leaks.addAll(leaks(Class.forName(name, false, getClass().getClassLoader())));
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static List<String> leaks(Class<?> type) {
        List<String> signatures = new ArrayList<>();
        if (!Modifier.isPublic(type.getModifiers())) {
            return signatures;
        }
        signatures.add(type.getName() + " extends " + type.getGenericSuperclass() + " implements "
                + Arrays.toString(type.getGenericInterfaces()));
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            add(signatures, c);
        }
        for (Method m : type.getDeclaredMethods()) {
            add(signatures, m);
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers())) {
                signatures.add(f.toGenericString());
            }
        }
        return signatures.stream()
                .filter(s -> FORBIDDEN.stream().anyMatch(s::contains))
                .toList();
    }

    private static void add(List<String> signatures, Executable e) {
        if (visible(e.getModifiers()) && !e.isSynthetic()) {
            signatures.add(e.toGenericString());
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }
}
