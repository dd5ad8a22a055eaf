package dev.depot.upload;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH (bench/jmh.sh): hashing 1 MiB buffers as uploads do. Throughput in MiB/s (one operation
 * is one MiB): SHA-256 alone, MD5 alone, and both the way shared staging completes an upload
 * (MD5 on a second thread per buffer). Compare with {@code openssl speed -bytes 1048576 -evp sha256}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HashingBench {
    private final byte[] buffer = new byte[1 << 20];
    private MessageDigest sha256;
    private MessageDigest md5;
    private UploadDigests both;
    private UploadDigests all;

    @Setup
    public void setUp() throws Exception {
        new Random(1).nextBytes(buffer);
        sha256 = MessageDigest.getInstance("SHA-256");
        md5 = MessageDigest.getInstance("MD5");
        both = new UploadDigests(false);
        all = new UploadDigests(true);
    }

    @Benchmark
    public void sha256() {
        sha256.update(buffer);
    }

    @Benchmark
    public void md5() {
        md5.update(buffer);
    }

    @Benchmark
    public void sha256AndMd5() {
        both.update(buffer, 0, buffer.length);
    }

    @Benchmark
    public void sha256Md5AndSha1() {
        all.update(buffer, 0, buffer.length);
    }
}
