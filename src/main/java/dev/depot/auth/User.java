package dev.depot.auth;

/** A person who can sign in. Admins manage the server and have access to every device. */
public record User(long id, String username, boolean admin, boolean active, String displayName, String bio,
                   String profilePicture, String contactUrl, long createdAt, Long lastLoginAt) {}
