import Foundation

/// A ZIP archive of stored (uncompressed) entries with CRC-32 (PKWARE APPNOTE 6.3, no ZIP64):
/// enough to hand a report folder over HTTP. Entries keep their relative paths; times are fixed
/// (1980-01-01) so the same files give the same bytes.
public enum ZipArchive {
    /// - Parameter entries: relative paths and contents, each under 4 GiB, at most 65 535 entries.
    public static func make(_ entries: [(path: String, data: Data)]) -> Data {
        var out = Data()
        var central = Data()
        func u16(_ v: Int, into d: inout Data) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
        func u32(_ v: UInt32, into d: inout Data) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        for entry in entries {
            let name = Data(entry.path.utf8)
            let crc = crc32(entry.data)
            let offset = UInt32(out.count)
            // Local file header.
            u32(0x0403_4B50, into: &out); u16(20, into: &out); u16(0x0800, into: &out); u16(0, into: &out)
            u16(0, into: &out); u16(0x21, into: &out) // time 00:00, date 1980-01-01
            u32(crc, into: &out); u32(UInt32(entry.data.count), into: &out); u32(UInt32(entry.data.count), into: &out)
            u16(name.count, into: &out); u16(0, into: &out)
            out.append(name); out.append(entry.data)
            // Central directory record.
            u32(0x0201_4B50, into: &central); u16(20, into: &central); u16(20, into: &central); u16(0x0800, into: &central)
            u16(0, into: &central); u16(0, into: &central); u16(0x21, into: &central)
            u32(crc, into: &central); u32(UInt32(entry.data.count), into: &central); u32(UInt32(entry.data.count), into: &central)
            u16(name.count, into: &central); u16(0, into: &central); u16(0, into: &central); u16(0, into: &central); u16(0, into: &central)
            u32(0, into: &central); u32(offset, into: &central)
            central.append(name)
        }
        let centralOffset = UInt32(out.count)
        out.append(central)
        u32(0x0605_4B50, into: &out); u16(0, into: &out); u16(0, into: &out)
        u16(entries.count, into: &out); u16(entries.count, into: &out)
        u32(UInt32(central.count), into: &out); u32(centralOffset, into: &out); u16(0, into: &out)
        return out
    }

    /// Every regular file under `folder`, sorted by relative path.
    public static func make(folder: URL) throws -> Data {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return make([]) }
        var entries: [(String, Data)] = []
        let base = folder.standardizedFileURL.path + "/"
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            entries.append((String(url.standardizedFileURL.path.dropFirst(base.count)), try Data(contentsOf: url)))
        }
        return make(entries.sorted { $0.0 < $1.0 })
    }

    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
    public static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
