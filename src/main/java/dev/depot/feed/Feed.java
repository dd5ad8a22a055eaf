package dev.depot.feed;

/** The APK feed: what it received, the packages that list it, and their signed links. */
public record Feed(FeedReceipts receipts, FeedPackages packages, FeedLinks links) {}
