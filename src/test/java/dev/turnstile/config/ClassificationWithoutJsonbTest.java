package dev.turnstile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.testing.ClassPathWithout;
import java.lang.reflect.InvocationTargetException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code classification-file} in an application without JSON-B: the library loaded afresh from
 * this run's class path less the JSON-B jars, as such an application would load it.
 */
class ClassificationWithoutJsonbTest {

    @TempDir
    Path dir;

    private Throwable startUpFailure(String... left) throws Exception {
        Path file = Files.writeString(dir.resolve("turnstile.json"), "{\"tools\": {\"lookup_*\": \"read\"}}");
        Function<String, String> initParams = Map.of("turnstile.classification-file", file.toString())::get;
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader app = ClassPathWithout.loader(left)) {
            thread.setContextClassLoader(app); // the application's class loader, as in a container
            Class<?> sourceType = app.loadClass(SettingSource.class.getName());
            Object source = sourceType
                    .getConstructor(Function.class, Function.class, Map.class)
                    .newInstance(initParams, (Function<String, String>) n -> null, Map.of());
            InvocationTargetException e = assertThrows(
                    InvocationTargetException.class,
                    () -> app.loadClass(TurnstileSettings.class.getName())
                            .getMethod("load", sourceType, Function.class)
                            .invoke(null, source, (Function<String, Object>) n -> null));
            return e.getCause();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void withoutTheApiTheMessageNamesWhatToAdd() throws Exception {
        Throwable failure = startUpFailure("jakarta.json.bind-api", "yasson");
        assertInstanceOf(IllegalStateException.class, failure, String.valueOf(failure));
        assertEquals(
                "turnstile.classification-file is set but JSON-B is not on the class path: add"
                        + " jakarta.json.bind:jakarta.json.bind-api and a JSON-B implementation such as org.eclipse:yasson"
                        + " (a full Jakarta EE server has both)",
                failure.getMessage());
    }

    @Test
    void withoutAnImplementationTheMessageNamesOne() throws Exception {
        Throwable failure = startUpFailure("yasson");
        assertInstanceOf(IllegalStateException.class, failure, String.valueOf(failure));
        assertTrue(
                failure.getMessage()
                        .startsWith("turnstile.classification-file is set but no JSON-B implementation"
                                + " is on the class path: add one such as org.eclipse:yasson"),
                failure.getMessage());
    }
}
