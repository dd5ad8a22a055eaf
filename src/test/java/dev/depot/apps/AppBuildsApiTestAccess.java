package dev.depot.apps;

import java.net.http.HttpResponse;

/** The envelope assertion of the app tests, for tests in other packages. */
public final class AppBuildsApiTestAccess {
    private AppBuildsApiTestAccess() {}

    public static void assertCode(HttpResponse<String> r, int status, int code) {
        AppBuildsApiTest.assertCode(r, status, code);
    }
}
