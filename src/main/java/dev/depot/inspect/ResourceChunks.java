package dev.depot.inspect;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A structural check of Android's binary resource formats (binary XML and {@code resources.arsc})
 * before a decoder sees them. Every chunk must lie inside its parent, and every count that a
 * decoder turns into an array allocation must fit in the chunk that holds it, so a forged count
 * cannot make the decoder allocate gigabytes.
 */
final class ResourceChunks {
    private static final int STRING_POOL = 0x0001;
    private static final int TABLE = 0x0002;
    private static final int XML = 0x0003;
    private static final int XML_START_ELEMENT = 0x0102;
    private static final int TABLE_PACKAGE = 0x0200;
    private static final int TABLE_TYPE = 0x0201;
    private static final int TABLE_TYPE_SPEC = 0x0202;
    private static final int MAX_DEPTH = 8;

    private ResourceChunks() {}

    static void validateXml(byte[] data) throws InspectionException {
        validateTop(data, XML, "the binary manifest");
    }

    static void validateTable(byte[] data) throws InspectionException {
        validateTop(data, TABLE, "the resource table");
    }

    private static void validateTop(byte[] data, int expectedType, String what) throws InspectionException {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 8) {
            throw new InspectionException(what + " is too short");
        }
        int type = Short.toUnsignedInt(b.getShort(0));
        if (type != expectedType) {
            throw new InspectionException(what + " is not in Android's binary format (chunk type 0x"
                    + Integer.toHexString(type) + ")");
        }
        checkChunk(b, 0, data.length, 0, what);
    }

    /** Checks the chunk at {@code start}, which must end by {@code limit}; returns its end. */
    private static long checkChunk(ByteBuffer b, int start, long limit, int depth, String what) throws InspectionException {
        if (depth > MAX_DEPTH) {
            throw new InspectionException(what + " nests chunks too deeply");
        }
        if (start + 8 > limit) {
            throw new InspectionException(what + " has a chunk header past its end");
        }
        int type = Short.toUnsignedInt(b.getShort(start));
        int headerSize = Short.toUnsignedInt(b.getShort(start + 2));
        long size = Integer.toUnsignedLong(b.getInt(start + 4));
        if (headerSize < 8 || size < headerSize || start + size > limit) {
            throw new InspectionException(what + " has a chunk (type 0x" + Integer.toHexString(type)
                    + ") that does not fit where it stands");
        }
        long end = start + size;
        switch (type) {
            case STRING_POOL -> {
                requireHeader(headerSize, 28, what);
                long strings = Integer.toUnsignedLong(b.getInt(start + 8));
                long styles = Integer.toUnsignedLong(b.getInt(start + 12));
                long stringsStart = Integer.toUnsignedLong(b.getInt(start + 20));
                long stylesStart = Integer.toUnsignedLong(b.getInt(start + 24));
                if (headerSize + 4 * (strings + styles) > size || stringsStart > size || stylesStart > size) {
                    throw new InspectionException(what + " has a string pool whose counts exceed its size");
                }
            }
            case TABLE_TYPE_SPEC, TABLE_TYPE -> {
                requireHeader(headerSize, 16, what);
                long entries = Integer.toUnsignedLong(b.getInt(start + 12));
                if (headerSize + 2 * entries > size) {
                    throw new InspectionException(what + " has a type chunk whose entry count exceeds its size");
                }
            }
            case XML_START_ELEMENT -> {
                requireHeader(headerSize, 16, what);
                if (headerSize + 20 > size) {
                    throw new InspectionException(what + " has an element chunk that is too short");
                }
                int attrSize = Short.toUnsignedInt(b.getShort(start + headerSize + 14));
                int attrCount = Short.toUnsignedInt(b.getShort(start + headerSize + 16));
                int attrStart = Short.toUnsignedInt(b.getShort(start + headerSize + 12));
                if (headerSize + attrStart + (long) attrSize * attrCount > size) {
                    throw new InspectionException(what + " has an element whose attributes exceed its chunk");
                }
            }
            case TABLE, XML, TABLE_PACKAGE -> {
                long p = start + headerSize;
                while (p < end) {
                    long next = checkChunk(b, (int) p, end, depth + 1, what);
                    if (next <= p) {
                        throw new InspectionException(what + " has an empty chunk");
                    }
                    p = next;
                }
            }
            default -> {
                // other chunks carry no counts that a decoder allocates from
            }
        }
        return end;
    }

    private static void requireHeader(int headerSize, int min, String what) throws InspectionException {
        if (headerSize < min) {
            throw new InspectionException(what + " has a chunk header that is too short");
        }
    }
}
