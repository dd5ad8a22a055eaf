package dev.depot.auth;

/** A newly created token: the secret is shown to its owner once and never stored. */
public record IssuedToken(String secret, ApiToken token) {}
