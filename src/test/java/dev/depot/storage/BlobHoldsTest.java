package dev.depot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.db.Database;
import dev.depot.support.Backend;
import dev.depot.support.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Who may delete stored bytes: nobody but {@link BlobHolds}, and only once nobody holds them; on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Backend.class)
class BlobHoldsTest {
    @Parameter
    Backend backend;
    Database db;
    FileSystemBlobStore store;
    PausingDeletes blobs;
    BlobHolds holds;

    @BeforeEach
    void open() throws Exception {
        Path dir = Files.createTempDirectory("depot-holds");
        db = Database.open(backend.newDatabaseUrl(dir), "", "", 10);
        store = new FileSystemBlobStore(dir.resolve("blobs"));
        blobs = new PausingDeletes(store);
        holds = new BlobHolds(new BlobHoldRepository(db.jdbi(), db.dialect()), blobs,
                new MutableClock(Instant.parse("2026-12-01T00:00:00Z")));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private StoredBlob stored(String text) throws IOException {
        return store.write(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bytesStayWhileAnyoneHoldsThemAndGoWithTheLastRelease() throws Exception {
        StoredBlob blob = stored("an apk");
        holds.hold(blob.key().sha256(), "build:1");
        holds.hold(blob.key().sha256(), "feed-sample:0");

        holds.release("build:1");

        assertThat(store.exists(blob.key())).as("the feed still holds it").isTrue();
        assertThat(holds.holders(blob.key().sha256())).containsExactly("feed-sample:0");

        holds.release("feed-sample:0");

        assertThat(store.exists(blob.key())).isFalse();
        assertThat(holds.held(blob.key().sha256())).isFalse();
    }

    @Test
    void holdingTwiceUnderOneNameIsHoldingOnce() throws Exception {
        StoredBlob blob = stored("a rom");
        holds.hold(blob.key().sha256(), "build:7");
        holds.hold(blob.key().sha256(), "build:7");

        holds.release("build:7");

        assertThat(store.exists(blob.key())).isFalse();
    }

    @Test
    void bytesNobodyEverHeldAreNotTouched() throws Exception {
        StoredBlob blob = stored("stored by hand");

        assertThat(holds.sweep()).isZero();

        assertThat(store.exists(blob.key())).isTrue();
    }

    @Test
    void aReleaseInATransactionThatRollsBackLetsNothingGo() throws Exception {
        StoredBlob blob = stored("kept");
        holds.hold(blob.key().sha256(), "build:3");

        try {
            db.jdbi().useTransaction(h -> {
                holds.release(h, "build:3");
                throw new IllegalStateException("the deletion failed");
            });
        } catch (IllegalStateException expected) {
            // rolled back
        }
        holds.sweep();

        assertThat(store.exists(blob.key())).isTrue();
        assertThat(holds.holders(blob.key().sha256())).containsExactly("build:3");
    }

    @Test
    void aDeletionThatFailsIsTriedAgainByTheNextSweep() throws Exception {
        StoredBlob blob = stored("stubborn");
        holds.hold(blob.key().sha256(), "build:4");
        blobs.failDeletes = true;

        holds.release("build:4");

        assertThat(store.exists(blob.key())).as("the store refused").isTrue();
        blobs.failDeletes = false;
        assertThat(holds.sweep()).isEqualTo(1);
        assertThat(store.exists(blob.key())).isFalse();
    }

    @Test
    void aHoldDuringADeletionWaitsForItSoTheHolderSeesTheBytesGoneAndStoresThemAgain() throws Exception {
        StoredBlob blob = stored("the same bytes, uploaded again");
        String sha = blob.key().sha256();
        holds.hold(sha, "build:5");
        db.jdbi().useTransaction(h -> holds.release(h, "build:5"));
        blobs.pause = new CountDownLatch(1);

        CompletableFuture<Integer> sweep = CompletableFuture.supplyAsync(holds::sweep);
        assertThat(blobs.deleting.await(10, TimeUnit.SECONDS)).as("the sweep reached the deletion").isTrue();
        CompletableFuture<Boolean> hold = CompletableFuture.supplyAsync(() -> {
            holds.hold(sha, "upload:u1");
            try {
                return store.exists(blob.key());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(hold).as("the hold waits for the deletion under way").isNotDone();
        blobs.pause.countDown();

        assertThat(sweep.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(hold.get(10, TimeUnit.SECONDS)).as("what the holder finds after its hold is the truth").isFalse();
        assertThat(holds.holders(sha)).containsExactly("upload:u1");
        stored("the same bytes, uploaded again");
        assertThat(holds.sweep()).as("held again: a later sweep leaves the bytes alone").isZero();
        assertThat(store.exists(blob.key())).isTrue();
    }

    /** The real store, with deletions that can be paused or refused (fault injection). */
    static final class PausingDeletes implements BlobStore {
        final BlobStore store;
        volatile CountDownLatch pause;
        final CountDownLatch deleting = new CountDownLatch(1);
        volatile boolean failDeletes;

        PausingDeletes(BlobStore store) {
            this.store = store;
        }

        @Override
        public void delete(BlobKey key) throws IOException {
            if (failDeletes) {
                throw new IOException("the store refused the deletion");
            }
            CountDownLatch p = pause;
            if (p != null) {
                deleting.countDown();
                try {
                    p.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            store.delete(key);
        }

        @Override
        public StoredBlob write(InputStream in) throws IOException { return store.write(in); }

        @Override
        public StoredBlob importFile(Path file, BlobKey key) throws IOException { return store.importFile(file, key); }

        @Override
        public Optional<Long> size(BlobKey key) throws IOException { return store.size(key); }

        @Override
        public InputStream read(BlobKey key, long offset, long length) throws IOException {
            return store.read(key, offset, length);
        }

        @Override
        public void checkWritable() throws IOException { store.checkWritable(); }
    }

    @Test
    void onlyTheReleasedBlobsAreSweptAfterARelease() throws Exception {
        StoredBlob a = stored("a");
        StoredBlob b = stored("b");
        holds.hold(a.key().sha256(), "build:8");
        holds.hold(b.key().sha256(), "build:9");
        blobs.failDeletes = true;
        holds.release("build:8"); // left released: its deletion failed
        blobs.failDeletes = false;

        List<String> released = db.jdbi().inTransaction(h -> holds.release(h, "build:9"));
        assertThat(holds.sweep(released)).isEqualTo(1);

        assertThat(store.exists(b.key())).isFalse();
        assertThat(store.exists(a.key())).as("for the periodic sweep").isTrue();
        assertThat(holds.sweep()).isEqualTo(1);
    }
}
