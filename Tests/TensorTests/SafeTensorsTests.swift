import Foundation
import Testing
@testable import Tensor

/// A safetensors file from a literal header and data bytes; `declaredLength` overrides the
/// 8-byte length prefix.
func rawSafeTensors(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    let headerBytes = Array(header.utf8)
    var out = Data()
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: headerBytes)
    out.append(contentsOf: data)
    return out
}

/// Expects opening `data` to fail with a safetensors error whose message contains `fragment`.
func expectRejected(_ data: Data, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try SafeTensorsFile(data: data)
        Issue.record("accepted a file that should fail with “\(fragment)”", sourceLocation: sourceLocation)
    } catch let TensorError.safetensors(message) {
        print("rejected: \(message)")
        #expect(message.contains(fragment), "message “\(message)” lacks “\(fragment)”", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct SafeTensorsTests {
    @Test func float32RoundTripWithMetadata() throws {
        let tensors = ["b.weight": randomTensor([3, 4], seed: 201), "a.bias": randomTensor([4], seed: 202),
                       "scalar": Tensor(scalar: 7), "empty": Tensor(zeros: [0, 3])]
        let metadata = ["preset": "seed", "note": "quote \" and\nnewline ✓"]
        let data = try SafeTensorsWriter.encode(tensors, metadata: metadata)
        let headerLength = data.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(headerLength % 8 == 0)
        let file = try SafeTensorsFile(data: data)
        #expect(file.metadata == metadata)
        #expect(file.names == ["a.bias", "b.weight", "empty", "scalar"])
        for (name, tensor) in tensors {
            let read = try file.tensor(named: name)
            #expect(read.shape == tensor.shape)
            #expect(read.scalars == tensor.scalars)
        }
        #expect(throws: TensorError.self) { try file.tensor(named: "missing") }
        #expect(try file.tensor(named: "b.weight", shape: [3, 4]).shape == [3, 4])
        #expect(throws: TensorError.safetensors("tensor \"b.weight\": expected shape [4, 3], file has [3, 4]")) {
            try file.tensor(named: "b.weight", shape: [4, 3])
        }
        #expect(throws: TensorError.self) { try SafeTensorsWriter.encode(["__metadata__": Tensor(zeros: [1])]) }
    }

    @Test func float16WriteRoundsToNearestEven() throws {
        let values: [Float] = [0, -0.0, 1, -2.5, 65504, 70000, 1e-8, 6.1e-5, 5.96e-8, 3.0e-8, 1 + 0x1p-11, 1 + 3 * 0x1p-11, .infinity, 0.1]
        // Expected values are NumPy's float16 conversions of the same inputs.
        let expected: [Float] = [0, -0.0, 1, -2.5, 65504, .infinity, 0, 6.097555160522461e-05, 5.9604645e-08, 5.9604645e-08, 1, 1 + 0x1p-9, .infinity, 0.099975586]
        let data = try SafeTensorsWriter.encode(["h": try Tensor(shape: [values.count], scalars: values)], precision: .f16)
        let file = try SafeTensorsFile(data: data)
        #expect(file.entry(named: "h")?.dtype == .f16)
        let read = try file.tensor(named: "h").scalars
        for (r, e) in zip(read, expected) { #expect(r == e || (r.isNaN && e.isNaN), "f16 \(r) vs \(e)") }
        #expect(HalfPrecision.half(from: .nan) & 0x7C00 == 0x7C00 && HalfPrecision.half(from: .nan) & 0x03FF != 0)
        // Every finite half survives half → float → half.
        for bits in UInt16(0)...UInt16(0x7BFF) {
            #expect(HalfPrecision.half(from: HalfPrecision.float(fromHalf: bits)) == bits)
        }
    }

    @Test func readsBFloat16AndRejectsUnreadableDTypes() throws {
        // bf16 of 1.0 is 0x3F80, of −2.0 is 0xC000 (little-endian bytes).
        let file = try SafeTensorsFile(data: rawSafeTensors(
            #"{"x":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},"i":{"dtype":"I64","shape":[1],"data_offsets":[4,12]}}"#,
            data: [0x80, 0x3F, 0x00, 0xC0] + [UInt8](repeating: 0, count: 8)))
        #expect(try file.tensor(named: "x").scalars == [1, -2])
        #expect(throws: TensorError.self) { try file.tensor(named: "i") }
    }

    @Test func rejectsMalformedFiles() {
        let ok = #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let eight = [UInt8](repeating: 0, count: 8)
        #expect((try? SafeTensorsFile(data: rawSafeTensors(ok, data: eight))) != nil)
        expectRejected(Data([1, 2, 3]), "too short")
        expectRejected(rawSafeTensors(ok, data: eight, declaredLength: 200_000_000), "exceeds the limit")
        expectRejected(rawSafeTensors(ok, data: eight, declaredLength: UInt64.max), "exceeds the limit")
        expectRejected(rawSafeTensors(ok, data: [], declaredLength: 4000), "truncated")
        expectRejected(rawSafeTensors(ok, data: [0, 0, 0, 0]), "run past the data section")
        expectRejected(rawSafeTensors("[1,2]   "), "does not start with '{'")
        expectRejected(rawSafeTensors(#"{"x": nope}"#), "malformed header JSON")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} trailing"#, data: eight), "unexpected bytes")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: eight), "duplicate key \"x\"")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]}}"#, data: eight), "duplicate key")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eight), "needs 12")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight), "overlaps")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight), "gap")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: eight), "data section has 8")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: eight), "begin ≤ end")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#, data: eight), "begin ≤ end")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, data: eight), "two integers")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}"#, data: eight), "unknown dtype")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: eight), "non-negative integers")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, data: eight), "non-negative integers")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, data: eight), "overflows")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}}"#, data: eight), "out of range")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[2]}}"#, data: eight), "needs dtype, shape and data_offsets")
        expectRejected(rawSafeTensors(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}}"#, data: eight), "unexpected or ill-typed field")
        expectRejected(rawSafeTensors(#"{"x":[1]}"#), "not an object")
        expectRejected(rawSafeTensors(#"{"__metadata__":{"k":1}}"#), "is not a string")
        expectRejected(rawSafeTensors(#"{"__metadata__":"text"}"#), "__metadata__ is not an object")
        let deep = "{\"__metadata__\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}"
        expectRejected(rawSafeTensors(deep), "nesting deeper")
        expectRejected(rawSafeTensors("{\"a\u{01}\":1}"), "control character")
        var invalidUTF8 = rawSafeTensors(#"{"__metadata__":{"k":"xx"}}"#)
        invalidUTF8[8 + 22] = 0xFF
        expectRejected(invalidUTF8, "invalid UTF-8")
        expectRejected(rawSafeTensors(#"{"__metadata__":{"k":"\ud800"}}"#), "unpaired surrogate")
    }

    @Test func headerParserAcceptsValidJSON() throws {
        let value = try HeaderJSONParser.parse(Array(#" {"a" : [1, -2, 3.5e2, true, false, null, "\u00e9\ud83d\ude00\n"], "b": {}} "#.utf8))
        #expect(value == .object([("a", .array([.integer(1), .integer(-2), .number(350), .bool(true), .bool(false), .null, .string("é😀\n")])),
                                  ("b", .object([]))]))
        #expect(throws: TensorError.self) { try HeaderJSONParser.parse(Array("01".utf8)) }
        #expect(throws: TensorError.self) { try HeaderJSONParser.parse(Array("[1,]".utf8)) }
    }

    @Test func fileRoundTripOnDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensor-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensorsWriter.write(["w": randomTensor([2, 2], seed: 203)], metadata: ["k": "v"], to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(try file.tensor(named: "w").scalars == randomTensor([2, 2], seed: 203).scalars)
        #expect(file.metadata["k"] == "v")
    }
}
