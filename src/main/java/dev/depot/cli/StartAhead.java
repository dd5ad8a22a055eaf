package dev.depot.cli;

import org.sqlite.SQLiteJDBCLoader;

/**
 * What a server's start needs that is slow to prepare and depends on nothing else, prepared on a
 * second thread while the first parses the command line, reads settings and opens the database:
 * SQLite's native library (copied out of the jar and loaded) and Jetty's table of media types
 * (which asks the JDK for every locale it knows; ~80 ms of the main thread in a profile of a
 * start). Its gain in a whole start was within the noise of four interleaved pairs on 2 cores
 * (1.56–1.73 s with it, 1.63–2.59 s without), where JIT and GC threads share the second core.
 * Whatever this thread has not finished, the first thread waits for or does itself, as it would
 * have without it; a failure here is the first thread's to meet and report.
 */
final class StartAhead {
    private StartAhead() {}

    static void begin() {
        Thread.ofPlatform().name("depot-start-ahead").daemon(true).start(() -> {
            try {
                SQLiteJDBCLoader.initialize();
                Class.forName("org.eclipse.jetty.http.MimeTypes", true, StartAhead.class.getClassLoader());
            } catch (Exception | LinkageError e) {
                // met again, and reported, where the server needs it
            }
        });
    }
}
