package dev.depot.inspect;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** JMH (bench/jmh.sh): reading an APK's manifest, and the whole inspection with its signatures. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ManifestBench {
    /** Corpus APKs: a small app, and a 2 MB one with a large resource table. */
    @Param({"com.teleca.jamendo_35.apk", "app-prod-debug.apk"})
    public String apk;

    private Path file() {
        return Path.of(System.getProperty("depot.apks", "src/test/data/apk/apps"), apk);
    }

    @Benchmark
    public Object manifest() throws InspectionException {
        return ApkInspector.manifest(file());
    }

    @Benchmark
    public Object inspectWithSignatures() throws InspectionException {
        return new ApkInspector().inspect(file());
    }
}
