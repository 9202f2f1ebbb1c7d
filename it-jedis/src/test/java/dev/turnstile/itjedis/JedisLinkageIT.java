package dev.turnstile.itjedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.turnstile.Turnstile;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every class, field and method of Jedis that the installed Turnstile jar names in its bytecode
 * resolves against the Jedis on the class path, also in code that the other tests never run (a
 * failure path, a Cluster redirection): a missing one would be a {@code NoClassDefFoundError} or
 * {@code NoSuchMethodError} there in production. Members that Turnstile's subclasses of Jedis
 * classes inherit count as Jedis members, and each callback they override (a bridge method) must
 * still override something. Needs no Redis.
 */
class JedisLinkageIT {

    private static final String JEDIS = "redis/clients/";
    private static final int CLASS = 7;
    private static final int FIELD = 9;
    private static final int METHOD = 10;
    private static final int INTERFACE_METHOD = 11;

    @Test
    void everyJedisMemberTheJarNamesResolves() throws Exception {
        Path jar = Path.of(Turnstile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> refs = new TreeSet<>();
        Set<String> missing = missing(jar, JedisLinkageIT.class.getClassLoader(), refs);
        assertTrue(refs.size() > 50, "too few Jedis references found in " + jar + ": " + refs);
        assertEquals(Set.of(), missing, "Jedis " + System.getProperty(TurnstileOnJedisContract.EXPECTED_JEDIS)
                + " lacks what " + jar.getFileName() + " calls");
    }

    /**
     * What of Jedis the classes under {@code root} (a jar or a directory) name but {@code loader}
     * cannot resolve; {@code refs} receives every Jedis reference found.
     */
    static Set<String> missing(Path root, ClassLoader loader, Set<String> refs) throws IOException {
        List<ClassFile> classes = read(root);
        Set<String> subclasses = new HashSet<>();
        classes.stream().filter(c -> c.superName().startsWith(JEDIS)).forEach(c -> subclasses.add(c.name()));
        Set<String> missing = new TreeSet<>();
        for (ClassFile c : classes) {
            for (String ref : c.references()) {
                String owner = ref.contains(".") ? ref.substring(0, ref.indexOf('.')) : ref;
                if (owner.startsWith(JEDIS) || subclasses.contains(owner)) {
                    refs.add(ref);
                    if (!resolves(ref, loader)) {
                        missing.add(ref);
                    }
                }
            }
            if (subclasses.contains(c.name())) {
                missing.addAll(orphanBridges(c.name().replace('/', '.'), loader));
            }
        }
        return missing;
    }

    private static List<ClassFile> read(Path root) throws IOException {
        List<ClassFile> classes = new ArrayList<>();
        try (FileSystem fs = Files.isDirectory(root) ? null : FileSystems.newFileSystem(root);
             Stream<Path> files = Files.walk(fs == null ? root : fs.getPath("/"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    classes.add(ClassFile.read(in));
                }
            }
        }
        return classes;
    }

    /** A class file's name, its superclass, and the classes and members it names ("owner", "owner.name:descriptor"). */
    record ClassFile(String name, String superName, List<String> references) {

        static ClassFile read(InputStream classFile) throws IOException {
            DataInputStream in = new DataInputStream(classFile);
            in.skipBytes(8); // magic, minor and major version
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[][] entries = new int[count][];
            for (int i = 1; i < count; i++) {
                entries[i] = new int[] {in.readUnsignedByte(), 0, 0};
                i += readEntry(in, entries[i], utf8, i);
            }
            in.skipBytes(2); // access flags
            String name = className(entries, utf8, in.readUnsignedShort());
            String superName = className(entries, utf8, in.readUnsignedShort());
            List<String> refs = new ArrayList<>();
            for (int[] e : entries) {
                if (e != null && e[0] == CLASS) {
                    refs.add(utf8[e[1]]);
                } else if (e != null && (e[0] == FIELD || e[0] == METHOD || e[0] == INTERFACE_METHOD)) {
                    int[] nameAndType = entries[e[2]];
                    refs.add(className(entries, utf8, e[1]) + "." + utf8[nameAndType[1]] + ":" + utf8[nameAndType[2]]);
                }
            }
            return new ClassFile(name, superName, refs);
        }

        /** Reads one constant pool entry into {@code entry}; returns 1 when it takes two slots. */
        private static int readEntry(DataInputStream in, int[] entry, String[] utf8, int index) throws IOException {
            switch (entry[0]) {
                case 1 -> utf8[index] = in.readUTF();
                case CLASS, 8, 16, 19, 20 -> entry[1] = in.readUnsignedShort();
                case FIELD, METHOD, INTERFACE_METHOD, 12, 17, 18 -> {
                    entry[1] = in.readUnsignedShort();
                    entry[2] = in.readUnsignedShort();
                }
                case 3, 4 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    return 1;
                }
                case 15 -> in.skipBytes(3);
                default -> throw new IOException("unknown constant pool tag " + entry[0]);
            }
            return 0;
        }

        private static String className(int[][] entries, String[] utf8, int index) {
            return index == 0 ? "" : utf8[entries[index][1]];
        }
    }

    private static boolean resolves(String ref, ClassLoader loader) {
        int dot = ref.indexOf('.');
        try {
            Class<?> owner = Class.forName((dot < 0 ? ref : ref.substring(0, dot)).replace('/', '.'), false, loader);
            if (dot < 0) {
                return true;
            }
            String member = ref.substring(dot + 1);
            int colon = member.indexOf(':');
            return declares(owner, member.substring(0, colon), member.substring(colon + 1));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether {@code type} or a supertype declares a member with this name and descriptor. */
    private static boolean declares(Class<?> type, String name, String descriptor) {
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(type));
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c)) {
                continue;
            }
            if (declaredHere(c, name, descriptor)) {
                return true;
            }
            if (c.getSuperclass() != null) {
                todo.add(c.getSuperclass());
            }
            todo.addAll(Arrays.asList(c.getInterfaces()));
        }
        return false;
    }

    private static boolean declaredHere(Class<?> c, String name, String descriptor) {
        if (!descriptor.startsWith("(")) {
            return Arrays.stream(c.getDeclaredFields()).anyMatch(f -> f.getName().equals(name)
                    && descriptor(f.getType()).equals(descriptor));
        }
        if (name.equals("<init>")) {
            return Arrays.stream(c.getDeclaredConstructors()).anyMatch(k -> descriptor(k).equals(descriptor));
        }
        return Arrays.stream(c.getDeclaredMethods()).anyMatch(m -> m.getName().equals(name)
                && descriptor(m).equals(descriptor));
    }

    /** Bridge methods of {@code className} (a subclass of a Jedis class) that override nothing there any more. */
    private static List<String> orphanBridges(String className, ClassLoader loader) {
        Class<?> c;
        try {
            c = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return List.of(className.replace('.', '/') + " (cannot be loaded: " + e + ")");
        }
        List<String> orphans = new ArrayList<>();
        for (Method m : c.getDeclaredMethods()) {
            if (m.isBridge() && !declares(c.getSuperclass(), m.getName(), descriptor(m))) {
                orphans.add(className.replace('.', '/') + "." + m.getName() + ":" + descriptor(m) + " (overrides nothing)");
            }
        }
        return orphans;
    }

    private static String descriptor(Method m) {
        return parameters(m.getParameterTypes()) + descriptor(m.getReturnType());
    }

    private static String descriptor(Constructor<?> k) {
        return parameters(k.getParameterTypes()) + "V";
    }

    private static String parameters(Class<?>[] types) {
        StringBuilder s = new StringBuilder("(");
        for (Class<?> t : types) {
            s.append(descriptor(t));
        }
        return s.append(')').toString();
    }

    private static String descriptor(Class<?> t) {
        if (t.isArray()) {
            return t.getName().replace('.', '/');
        }
        if (!t.isPrimitive()) {
            return "L" + t.getName().replace('.', '/') + ";";
        }
        return switch (t.getName()) {
            case "void" -> "V";
            case "boolean" -> "Z";
            case "byte" -> "B";
            case "char" -> "C";
            case "short" -> "S";
            case "int" -> "I";
            case "long" -> "J";
            case "float" -> "F";
            default -> "D";
        };
    }
}
