package dev.depot.repository;

import dev.depot.core.Prebuild;
import dev.depot.core.StateCache;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is made from each state of every repository (its native index, its F-Droid files), made
 * once per state ({@link StateCache}) and ahead of the requests for it: on the prebuild thread
 * after each revision published on this node, and for every repository when asked
 * ({@link #prebuildAll}, as a server starts). A request for a state nobody made yet makes it.
 */
public final class RepositoryDocuments<V> {
    private static final Logger log = LoggerFactory.getLogger(RepositoryDocuments.class);

    private final String what;
    private final RepositoryService repositories;
    private final Prebuild prebuild;
    private final StateCache<Repository, V> cache;

    /** {@code what} names the documents in log lines; {@code retire} is handed the value of a state replaced. */
    public RepositoryDocuments(String what, RepositoryService repositories, Prebuild prebuild, Function<Repository, V> make,
                               Consumer<V> retire) {
        this.what = what;
        this.repositories = repositories;
        this.prebuild = prebuild;
        this.cache = new StateCache<>(Repository.KEYS, make, retire);
        repositories.onRevision(repo -> prebuild.execute(() -> prebuild(repo.name())));
    }

    /** The value of the repository's state, made now if nobody has made it yet. */
    public V get(Repository repo) {
        return cache.get(repo);
    }

    /** Whether the value of the repository's state is made. */
    public boolean made(Repository repo) {
        return cache.made(repo);
    }

    /** Makes the value of every repository's current state, on the prebuild thread. */
    public void prebuildAll() {
        prebuild.execute(() -> repositories.all().forEach(r -> prebuild(r.name())));
    }

    private void prebuild(String name) {
        try {
            repositories.find(name).ifPresent(cache::get);
        } catch (RuntimeException e) {
            log.warn("could not make {} of repository {} ahead of its requests (the first request makes it): {}", what, name,
                    e.toString());
        }
    }
}
