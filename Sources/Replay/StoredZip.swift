import Foundation

/// A zip archive whose entries are stored, not compressed: what a Lambda function's code needs
/// to be, written without a compression library.
enum StoredZip {
    static func archive(_ files: [String: Data]) -> Data {
        var out = Data()
        var directory = Data()
        for (name, content) in files.sorted(by: { $0.key < $1.key }) {
            let offset = UInt32(out.count)
            let crc = crc32(content)
            let nameBytes = Data(name.utf8)
            // Local file header: version 2.0, no flags, stored, no time, CRC, sizes, name.
            out.append(le32(0x0403_4b50))
            out.append(le16(20))
            out.append(le16(0))
            out.append(le16(0))
            out.append(le16(0))
            out.append(le16(0x21))
            out.append(le32(crc))
            out.append(le32(UInt32(content.count)))
            out.append(le32(UInt32(content.count)))
            out.append(le16(UInt16(nameBytes.count)))
            out.append(le16(0))
            out.append(nameBytes)
            out.append(content)
            // Its central directory entry.
            directory.append(le32(0x0201_4b50))
            directory.append(le16(20))
            directory.append(le16(20))
            directory.append(le16(0))
            directory.append(le16(0))
            directory.append(le16(0))
            directory.append(le16(0x21))
            directory.append(le32(crc))
            directory.append(le32(UInt32(content.count)))
            directory.append(le32(UInt32(content.count)))
            directory.append(le16(UInt16(nameBytes.count)))
            directory.append(le16(0))
            directory.append(le16(0))
            directory.append(le16(0))
            directory.append(le16(0))
            directory.append(le32(0o100644 << 16))
            directory.append(le32(offset))
            directory.append(nameBytes)
        }
        let start = UInt32(out.count)
        out.append(directory)
        out.append(le32(0x0605_4b50))
        out.append(le16(0))
        out.append(le16(0))
        out.append(le16(UInt16(files.count)))
        out.append(le16(UInt16(files.count)))
        out.append(le32(UInt32(directory.count)))
        out.append(le32(start))
        out.append(le16(0))
        return out
    }

    /// CRC-32 (IEEE 802.3), as zip uses it.
    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    static func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
    static func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
}
