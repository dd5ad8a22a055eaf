package dev.depot.ota;

/**
 * The ROM side of Depot, as the surfaces reach it: the devices (with their variants and
 * maintainers), the rules a build's file name must pass, and the builds themselves.
 */
public record Ota(DeviceService devices, BuildNameRules buildNames, RomBuildService builds) {}
