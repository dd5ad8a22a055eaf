package dev.depot.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/** Argon2id at OWASP's baseline (19 MiB, 2 passes, 1 lane): about 100 ms a hash on these machines. */
public final class PasswordHasher {
    private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    // Verified against when the user does not exist, so a missing user costs the same time.
    private static final String DUMMY = new PasswordHasher().hash("depot-timing-equaliser");

    public String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(ARGON2ID).getResult();
    }

    public boolean verify(String password, String hash) {
        if (hash == null || hash.isEmpty()) {
            Password.check(password, DUMMY).with(ARGON2ID);
            return false;
        }
        try {
            return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
