package dev.turnstile.faults;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A worker's history file: one tab-separated line per record, each written with its own
 * unbuffered {@code write(2)} in append mode. A record is in the kernel's page cache as soon as
 * the call returns, so it survives a {@code kill -9} of the process; the file of a killed worker
 * still shows which sections it had entered and not left.
 *
 * <p>Record kinds and fields are listed in {@link HistoryFile}, which reads them back.
 */
final class Recorder implements AutoCloseable {

    private final FileOutputStream out;

    Recorder(Path file) {
        try {
            this.out = new FileOutputStream(file.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** Writes one record: the fields joined by tabs, then a newline, in one write. */
    void write(Object... fields) {
        StringBuilder line = new StringBuilder(96);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append('\t');
            }
            line.append(clean(String.valueOf(fields[i])));
        }
        line.append('\n');
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the history", e);
            }
        }
    }

    private static String clean(String field) {
        return field.replace('\t', ' ').replace('\n', ' ');
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            // nothing was buffered
        }
    }
}
