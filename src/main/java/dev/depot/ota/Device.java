package dev.depot.ota;

/** A phone model that receives ROM builds. {@code releaseType} overrides the variant's when set. */
public record Device(long id, String codename, String name, String manufacturer, boolean maintained,
                     boolean visible, String note, String releaseType) {

    /** How shipper names a device in messages: "Manufacturer Name (codename)". */
    public String displayName() {
        return manufacturer + " " + name + " (" + codename + ")";
    }
}
