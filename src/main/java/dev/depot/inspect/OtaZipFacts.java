package dev.depot.inspect;

import java.util.Map;

/** What an OTA package says about itself: {@code META-INF/com/android/metadata} and, for A/B updates, {@code payload_properties.txt}. */
public record OtaZipFacts(Map<String, String> metadata, Map<String, String> payloadProperties, boolean abUpdate) {}
