package dev.depot.api;

import io.javalin.security.RouteRole;

/**
 * A family of routes that answers in one wire format (shipper's JSON, tus's status codes, the
 * native envelope, the web pages): routes are registered on their surface, which carries how they
 * render errors, as each route carries its {@link Access}.
 */
public record Surface(String name, ErrorRenderer errors) implements RouteRole {}
