package dev.depot.web;

/** Who is looking at a page: the signed-in user, and the CSRF token their forms carry. */
public record Viewer(String username, boolean admin, String csrf) {}
