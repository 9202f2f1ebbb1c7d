package dev.turnstile.internal.cdi;

import dev.turnstile.cdi.Guarded;
import dev.turnstile.config.SettingSource;
import dev.turnstile.config.TurnstileSettings;
import dev.turnstile.health.TurnstileReadinessCheck;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the interceptor and the default guard without any beans.xml in the library or edits
 * in the application's, and rejects misused {@link Guarded} annotations at deployment. With
 * {@code health-readiness=true} and MicroProfile Health present, registers the
 * {@link TurnstileReadinessCheck} too.
 */
public class TurnstileExtension implements Extension {

    private static final Logger LOG = LoggerFactory.getLogger(TurnstileExtension.class);

    /** A class of MicroProfile Health: the readiness check is registered only where it is present. */
    static final String HEALTH_API = "org.eclipse.microprofile.health.HealthCheck";

    private final List<String> problems = new ArrayList<>();
    private final SettingSource settings;

    /** The extension as the container loads it: settings from system properties and environment variables. */
    public TurnstileExtension() {
        this(SettingSource.of(name -> null));
    }

    TurnstileExtension(SettingSource settings) {
        this.settings = settings;
    }

    void register(@Observes BeforeBeanDiscovery event, BeanManager beans) {
        event.addAnnotatedType(beans.createAnnotatedType(GuardedInterceptor.class), GuardedInterceptor.class.getName());
        event.addAnnotatedType(beans.createAnnotatedType(RequestLookup.class), RequestLookup.class.getName());
        event.addAnnotatedType(
                beans.createAnnotatedType(DefaultGuardProducer.class), DefaultGuardProducer.class.getName());
        if (readinessCheckWanted()) {
            event.addAnnotatedType(
                    beans.createAnnotatedType(TurnstileReadinessCheck.class), TurnstileReadinessCheck.class.getName());
        }
    }

    /** {@code health-readiness=true}, and MicroProfile Health is there to call the check. */
    private boolean readinessCheckWanted() {
        if (!TurnstileSettings.healthReadiness(settings)) {
            return false;
        }
        try {
            Class.forName(HEALTH_API, false, TurnstileExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.warn(
                    "{}=true, but MicroProfile Health ({}) is not on the class path: no readiness check",
                    settings.describe(TurnstileSettings.HEALTH_READINESS),
                    HEALTH_API);
            return false;
        }
    }

    <T> void check(@Observes @WithAnnotations(Guarded.class) ProcessAnnotatedType<T> event) {
        AnnotatedType<T> type = event.getAnnotatedType();
        for (AnnotatedMethod<? super T> method : type.getMethods()) {
            Guarded guarded = method.getAnnotation(Guarded.class);
            if (guarded == null) {
                continue;
            }
            String problem = GuardedMethods.misuse(method.getJavaMember(), guarded);
            if (problem != null) {
                problems.add(problem);
            }
            if (java.lang.reflect.Modifier.isPrivate(method.getJavaMember().getModifiers()) || method.isStatic()) {
                problems.add("@Guarded on " + GuardedMethods.name(method.getJavaMember())
                        + ": private and static methods are never intercepted");
            }
        }
    }

    void report(@Observes AfterBeanDiscovery event) {
        problems.forEach(p -> event.addDefinitionError(new DeploymentException(p)));
    }
}
