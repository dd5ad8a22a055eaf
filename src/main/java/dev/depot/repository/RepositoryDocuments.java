package dev.depot.repository;

import dev.depot.core.Prebuild;
import dev.depot.core.StateCache;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is made from each state of every repository (its native index, its F-Droid files), made
 * once per state ({@link StateCache}) and ahead of the requests for it: on the prebuild thread
 * after each revision published on this node, and for every repository once a server starts
 * ({@link #keepAllMade}), which from then on also makes, within {@link #LOOK}, each state another
 * node published. A request for a state nobody made yet makes it.
 */
public final class RepositoryDocuments<V> {
    private static final Logger log = LoggerFactory.getLogger(RepositoryDocuments.class);

    /** How often a server looks for states published by other nodes (one query of the repositories). */
    public static final Duration LOOK = Duration.ofSeconds(5);

    private final String what;
    private final RepositoryService repositories;
    private final Prebuild prebuild;
    private final StateCache<Repository, V> cache;
    /** The state each repository could not be made in, by id: not tried again until it changes. */
    private final Map<Long, String> failed = new ConcurrentHashMap<>();

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

    /**
     * Makes the value of every repository's current state on the prebuild thread, then every
     * {@link #LOOK} that of each state nobody here has made: those another node published.
     */
    public void keepAllMade() {
        prebuild.execute(() -> repositories.all().forEach(r -> prebuild(r.name())));
        prebuild.every(LOOK, this::catchUp);
    }

    private void catchUp() {
        try {
            for (Repository repo : repositories.all()) {
                if (!cache.made(repo) && !repo.stateHash().equals(failed.get(repo.id()))) {
                    prebuild(repo.name());
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not look for repository changes other nodes made (the first request makes each): {}", e.toString());
        }
    }

    private void prebuild(String name) {
        Repository repo = null;
        try {
            repo = repositories.find(name).orElse(null);
            if (repo != null) {
                cache.get(repo);
                failed.remove(repo.id());
            }
        } catch (RuntimeException e) {
            if (repo != null) {
                failed.put(repo.id(), repo.stateHash());
            }
            log.warn("could not make {} of repository {} ahead of its requests (the first request makes it): {}", what, name,
                    e.toString());
        }
    }
}
