package dev.turnstile.internal.cdi;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import dev.turnstile.Mode;
import dev.turnstile.cdi.Guarded;
import java.lang.reflect.Method;

/** Reads a method's {@link Guarded} (on the method, else on its class) and checks it. */
final class GuardedMethods {

    private GuardedMethods() {}

    static Guarded annotation(Method method) {
        Guarded onMethod = method.getAnnotation(Guarded.class);
        return onMethod != null ? onMethod : method.getDeclaringClass().getAnnotation(Guarded.class);
    }

    /** The mode the method is guarded with; null when its tool is classified as bypass. */
    static Mode mode(Method method, Classifier classifier) {
        Guarded guarded = annotation(method);
        if (guarded == null) {
            return Mode.WRITE; // bound through a stereotype or an inherited binding: exclusive is safe
        }
        return switch (guarded.value()) {
            case READ -> Mode.READ;
            case WRITE -> Mode.WRITE;
            case TOOL -> {
                CallClass c = classifier.classifyTool(guarded.tool().isEmpty() ? method.getName() : guarded.tool());
                yield c.mode();
            }
        };
    }

    /** The tool a method is classified by ({@code Access.TOOL}), or "" when its mode is fixed. */
    static String toolName(Method method) {
        Guarded guarded = annotation(method);
        if (guarded == null || guarded.value() != Guarded.Access.TOOL) {
            return "";
        }
        return guarded.tool().isEmpty() ? method.getName() : guarded.tool();
    }

    /** A problem with the annotation, or null: {@code tool} only goes with {@code Access.TOOL}. */
    static String misuse(Method method, Guarded guarded) {
        if (guarded.value() != Guarded.Access.TOOL && !guarded.tool().isEmpty()) {
            return "@Guarded(" + guarded.value() + ", tool = \"" + guarded.tool() + "\") on " + name(method)
                    + ": tool is only used with Access.TOOL";
        }
        return null;
    }

    static String name(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "()";
    }
}
