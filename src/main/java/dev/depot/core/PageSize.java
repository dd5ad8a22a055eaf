package dev.depot.core;

/**
 * How many items one page of a growing list holds: {@value #DEFAULT} unless asked, at most
 * {@value #MAX} (more is quietly cut to that, as is less than one raised to it).
 */
public final class PageSize {
    public static final int DEFAULT = 50;
    public static final int MAX = 200;

    private PageSize() {}

    /** The page size for what was asked ({@code null}: the default). */
    public static int of(Integer asked) {
        return asked == null ? DEFAULT : Math.max(1, Math.min(asked, MAX));
    }
}
