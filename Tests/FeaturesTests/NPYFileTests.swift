import Features
import Foundation
import Testing

@Suite struct NPYFileTests {
    /// A `.npy` file assembled by hand: preamble, header text as given, raw data bytes.
    static func file(version: (UInt8, UInt8) = (1, 0), header: String, data: [UInt8]) -> Data {
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version.0, version.1]
        let text = Array(header.utf8)
        if version.0 == 1 {
            bytes += [UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
        } else {
            bytes += (0..<4).map { UInt8((text.count >> (8 * $0)) & 0xFF) }
        }
        return Data(bytes + text + data)
    }

    static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8((v.bitPattern >> (8 * UInt32($0))) & 0xFF) } }
    }

    static func littleEndianBytes(_ values: [Double]) -> [UInt8] {
        values.flatMap { v in (0..<8).map { UInt8((v.bitPattern >> (8 * UInt64($0))) & 0xFF) } }
    }

    @Test(arguments: [[], [0], [5], [2, 3, 4], [3, 0, 2], [80, 181]] as [[Int]])
    func roundTrip(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { Float($0) * 0.37 - 11 }
        let array = try NPYArray(shape: shape, values: values)
        let bytes = NPYFile.encode(array)
        #expect(bytes.prefix(8) == Data([0x93] + Array("NUMPY".utf8) + [1, 0]))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes.count == 10 + headerLength + 4 * count)
        #expect(try NPYFile.decode(bytes) == array)
    }

    @Test func writesWhatNumPyWrites() throws {
        // The fixture was written by numpy.save; re-encoding it must give the same bytes.
        let url = try #require(Bundle.module.url(forResource: "speech_logmel", withExtension: "npy", subdirectory: "Fixtures"))
        let original = try Data(contentsOf: url)
        let array = try NPYFile.decode(original)
        #expect(array.shape == [80, 181])
        #expect(NPYFile.encode(array) == original)
    }

    @Test func fileRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("frames.npy")
        let frames = try NPYArray(shape: [2, 3, 4, 5], values: (0..<120).map { Float($0) / 7 })  // (T, 3, H, W)
        try NPYFile.write(frames, to: url)
        #expect(try NPYFile.read(from: url) == frames)
        let logMel = try LogMel(bins: 2, frames: 3, values: [1, 2, 3, 4, 5, 6])
        try NPYFile.write(NPYArray(logMel), to: url)
        #expect(try NPYFile.read(from: url) == NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
    }

    @Test func readsFloat64AndVersion2() throws {
        let doubles: [Double] = [1.5, -2.25, 1e-3, 7]
        let f8 = Self.file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n",
                           data: Self.littleEndianBytes(doubles))
        #expect(try NPYFile.decode(f8) == NPYArray(shape: [2, 2], values: doubles.map { Float($0) }))
        let v2 = Self.file(version: (2, 0), header: "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (3,)}  \n",
                           data: Self.littleEndianBytes([Float]([1, 2, 3])))
        #expect(try NPYFile.decode(v2) == NPYArray(shape: [3], values: [1, 2, 3]))
    }

    @Test func rejectsMalformedFiles() {
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n"
        let two = Self.littleEndianBytes([Float]([1, 2]))
        #expect(throws: NPYError.badMagic) { try NPYFile.decode(Data("PK\u{3}\u{4}not npy".utf8)) }
        #expect(throws: NPYError.badMagic) { try NPYFile.decode(Data()) }
        #expect(throws: NPYError.unsupportedVersion(major: 3, minor: 0)) {
            try NPYFile.decode(Self.file(version: (3, 0), header: good, data: two))
        }
        #expect(throws: NPYError.unsupportedVersion(major: 1, minor: 1)) {
            try NPYFile.decode(Self.file(version: (1, 1), header: good, data: two))
        }
        #expect(throws: NPYError.unsupportedDType(">f4")) {
            try NPYFile.decode(Self.file(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", data: two))
        }
        #expect(throws: NPYError.unsupportedDType("<i4")) {
            try NPYFile.decode(Self.file(header: "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n", data: two))
        }
        #expect(throws: NPYError.fortranOrder) {
            try NPYFile.decode(Self.file(header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }\n", data: two))
        }
        #expect(throws: NPYError.dataLengthMismatch(expectedBytes: 8, actualBytes: 4)) {
            try NPYFile.decode(Self.file(header: good, data: Array(two.prefix(4))))
        }
        #expect(throws: NPYError.dataLengthMismatch(expectedBytes: 8, actualBytes: 12)) {
            try NPYFile.decode(Self.file(header: good, data: two + [0, 0, 0, 0]))
        }
        for header in [
            "{'descr': '<f4', 'fortran_order': False}\n",                  // no shape
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1)}\n",  // negative dimension
            "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}\n",       // not a bool
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x\n",  // trailing text
            "['descr', '<f4']\n",                                           // not a dict
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,\n",      // unterminated
        ] {
            let error = #expect(throws: NPYError.self, "\(header)") { try NPYFile.decode(Self.file(header: header, data: two)) }
            if case .malformedHeader? = error {} else { Issue.record("expected malformedHeader for \(header), got \(String(describing: error))") }
        }
        // A header length that runs past the end of the file.
        let truncated = Self.file(header: good, data: []).prefix(20)
        #expect(throws: NPYError.truncated("header")) { try NPYFile.decode(truncated) }
        #expect(throws: NPYError.shapeMismatch(shape: [2, 2], valueCount: 3)) {
            try NPYArray(shape: [2, 2], values: [1, 2, 3])
        }
    }
}
