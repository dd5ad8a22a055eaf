package dev.depot.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/** Argon2id at OWASP's baseline (19 MiB, 2 passes, 1 lane): about 100 ms a hash on these machines. */
public final class PasswordHasher {
    /**
     * Made at the first password hashed or checked, not when the server starts: password4j keeps an
     * instance's 19 MiB of blocks for as long as the process runs, and most starts (and every CLI
     * command but a few) check no password at all.
     */
    private static final class Argon2id {
        static final Argon2Function FUNCTION = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    }

    /**
     * Verified against when the user does not exist, so a missing user costs the same time: an
     * Argon2id hash with the parameters above, of a password nobody has. It is a constant because
     * making it when the class loads cost a cold JVM most of a second of every start and every CLI
     * command.
     */
    static final String DUMMY = "$argon2id$v=19$m=19456,t=2,p=1$OnoWmUq0rGd4WMkP/2Kh0Q$KypxwbvfjZhM152SOIwPFRgT7UW5tuKb8lX+Bj1wKJI";

    public String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(Argon2id.FUNCTION).getResult();
    }

    public boolean verify(String password, String hash) {
        if (hash == null || hash.isEmpty()) {
            Password.check(password, DUMMY).with(Argon2id.FUNCTION);
            return false;
        }
        try {
            return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
