package dev.depot.api.shipper;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.api.Links;
import dev.depot.ota.OtaBuild;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH (bench/jmh.sh): rendering the LineageOS updater answer for a device with N builds, as the
 * answer cache does once per change (requests in between are served the stored bytes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class UpdaterJsonBench {
    @Param({"1", "30"})
    public int builds;

    private final ObjectMapper json = new ObjectMapper();
    private final Links links = new Links(() -> "https://ota.example.org");
    private List<OtaBuild> list;

    @Setup
    public void setUp() {
        list = new ArrayList<>();
        for (int i = 0; i < builds; i++) {
            LocalDate day = LocalDate.of(2024, 1, 1).plusDays(i);
            String name = "Bliss-v1." + i + "-sunfish-OFFICIAL-gapps-" + day.toString().replace("-", "") + ".zip";
            list.add(new OtaBuild(i + 1, name, 1_500_000_000L + i, String.format("%064x", i), null, "processed", true,
                    "sunfish", "gapps", "1." + i, day, null, "OFFICIAL", Map.of(), Map.of(), 0, ""));
        }
    }

    @Benchmark
    public byte[] render() throws Exception {
        return json.writeValueAsBytes(Map.of("response", list.stream().map(b -> ShipperPublicRoutes.updaterEntry(b, null, links)).toList()));
    }
}
