package dev.turnstile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.turnstile.testing.ClassPathWithout;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code turnstile.*} read from MicroProfile Config (SmallRye Config on the test class path),
 * found as a server finds it: a {@code META-INF/microprofile-config.properties} of the
 * application's class loader, which is the thread's context class loader.
 */
class MicroProfileConfigTest {

    private static final String PROPERTY = "turnstile.busy-code";

    @TempDir
    Path app;

    private final Map<String, String> params = new HashMap<>();
    private final Thread thread = Thread.currentThread();
    private final ClassLoader previous = thread.getContextClassLoader();
    private URLClassLoader appLoader;

    @AfterEach
    void restore() throws IOException {
        System.clearProperty(PROPERTY);
        if (appLoader != null) {
            ConfigProviderResolver.instance().releaseConfig(ConfigProvider.getConfig(appLoader));
            appLoader.close();
        }
        thread.setContextClassLoader(previous);
    }

    private void application(String properties) throws IOException {
        Path file = app.resolve("META-INF/microprofile-config.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, properties);
        appLoader = new URLClassLoader(new URL[] {app.toUri().toURL()}, previous);
        thread.setContextClassLoader(appLoader);
    }

    @Test
    void microProfileConfigBeatsInitParams() throws IOException {
        application("turnstile.busy-code=-32030\n");
        params.put(PROPERTY, "-32001");
        SettingSource source = SettingSource.of(params::get);
        assertEquals("-32030", source.get("busy-code"));
        assertEquals("turnstile.busy-code (MicroProfile Config)", source.describe("busy-code"));
        assertEquals(-32030, TurnstileSettings.load(source, n -> null).options().busyCode());
    }

    @Test
    void profilesApply() throws IOException {
        application("mp.config.profile=staging\nturnstile.acquire-timeout=3s\n%staging.turnstile.acquire-timeout=7s\n");
        assertEquals("7s", SettingSource.of(params::get).get("acquire-timeout"));
    }

    @Test
    void systemPropertiesAndEnvironmentBeatMicroProfileConfig() throws IOException {
        application("turnstile.busy-code=-32030\n");
        Function<String, String> microProfile = MicroProfileLookup.find();
        assertNotNull(microProfile);
        Map<String, String> env = Map.of("TURNSTILE_BUSY_CODE", "-32040");
        SettingSource withEnv = new SettingSource(params::get, microProfile, name -> null, env);
        assertEquals("-32040", withEnv.get("busy-code"));
        assertEquals("environment variable TURNSTILE_BUSY_CODE", withEnv.describe("busy-code"));
        System.setProperty(PROPERTY, "-32050");
        assertEquals("-32050", SettingSource.of(params::get).get("busy-code"));
        assertEquals(
                "system property turnstile.busy-code",
                SettingSource.of(params::get).describe("busy-code"));
    }

    @Test
    void withoutMicroProfileConfigTheOtherSourcesAreReadAndNothingFails() throws Exception {
        try (URLClassLoader plain = ClassPathWithout.loader("microprofile-config-api", "smallrye")) {
            Class<?> type = plain.loadClass(SettingSource.class.getName());
            Function<String, String> initParams = Map.of(PROPERTY, "-32001")::get;
            Object source = type.getMethod("of", Function.class).invoke(null, initParams);
            Method get = type.getMethod("get", String.class);
            assertEquals("-32001", get.invoke(source, "busy-code"));
            assertNull(get.invoke(source, "lease"));
        }
    }
}
