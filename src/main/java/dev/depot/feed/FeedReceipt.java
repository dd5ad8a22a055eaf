package dev.depot.feed;

/** An APK as the feed lists it: when Depot first received it, and what it is. */
public record FeedReceipt(String sha256, long windowStart, long receivedAt, long size, String md5, String sha1,
                          String packageName, Long versionCode, String versionName) {}
