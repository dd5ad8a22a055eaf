package dev.depot.cli;

import org.sqlite.SQLiteJDBCLoader;

/**
 * What a server's start needs that is slow to prepare and depends on nothing else, prepared on a
 * second thread while the first parses the command line, reads settings and opens the database:
 * SQLite's native library (copied out of the jar and loaded) and Jetty's table of media types
 * (which asks the JDK for every locale it knows). On 2 cores that takes about 0.2 s off a start.
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
