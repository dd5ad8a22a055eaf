package dev.depot.ota;

import java.time.LocalDate;
import java.util.Map;

/** What a build's file name says, once it matched the pattern and passed every rule. */
public record BuildName(String fileName, Device device, Variant variant, String version, LocalDate buildDate,
                        String x86Type, Map<String, String> extraGroups) {}
