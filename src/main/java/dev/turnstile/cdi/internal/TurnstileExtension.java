package dev.turnstile.cdi.internal;

import dev.turnstile.cdi.Guarded;
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

/**
 * Registers the interceptor and the default guard without any beans.xml in the library or edits
 * in the application's, and rejects misused {@link Guarded} annotations at deployment.
 */
public class TurnstileExtension implements Extension {

    private final List<String> problems = new ArrayList<>();

    void register(@Observes BeforeBeanDiscovery event, BeanManager beans) {
        event.addAnnotatedType(beans.createAnnotatedType(GuardedInterceptor.class), GuardedInterceptor.class.getName());
        event.addAnnotatedType(beans.createAnnotatedType(RequestLookup.class), RequestLookup.class.getName());
        event.addAnnotatedType(beans.createAnnotatedType(DefaultGuardProducer.class), DefaultGuardProducer.class.getName());
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
            if (java.lang.reflect.Modifier.isPrivate(method.getJavaMember().getModifiers())
                    || method.isStatic()) {
                problems.add("@Guarded on " + GuardedMethods.name(method.getJavaMember())
                        + ": private and static methods are never intercepted");
            }
        }
    }

    void report(@Observes AfterBeanDiscovery event) {
        problems.forEach(p -> event.addDefinitionError(new DeploymentException(p)));
    }
}
