package dev.depot.feed;

import dev.depot.db.Database;
import dev.depot.delivery.LinkSigner;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** JMH (bench/jmh.sh): writing a feed package (signed link per sample, zipped) of N samples. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FeedZipBench {
    @Param({"10000", "100000"})
    public int samples;

    private Database database;
    private FeedPackages feed;
    private List<FeedReceipt> receipts;

    @Setup
    public void setUp() throws Exception {
        database = Database.open("jdbc:sqlite:" + Files.createTempDirectory("depot-jmh").resolve("depot.db"), null, null, 2);
        feed = new FeedPackages(new FeedRepository(database.jdbi(), database.dialect()), null, null,
                new FeedLinks(LinkSigner.create("a-benchmark-signing-key-of-32-chars!", null, Clock.systemUTC()),
                        () -> "https://depot.example.org"), Clock.systemUTC());
        long window = FeedPackageName.lastClosed(System.currentTimeMillis()).start();
        receipts = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            receipts.add(new FeedReceipt(String.format("%064x", i * 7919L), window, window + i, 1000 + i, null, null, null,
                    null, null));
        }
    }

    @TearDown
    public void tearDown() {
        database.close();
    }

    @Benchmark
    public Object zip() {
        return feed.zip(receipts);
    }
}
