import Testing
@testable import Server

@Suite struct MultipartParserTests {
    static let body = Array((
        "preamble to ignore\r\n--XyZ\r\nContent-Disposition: form-data; name=\"threshold\"\r\n\r\n0.3\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"c\\\".mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
            + "\r\n--XyQ not quite\r\n--Xy binary \r\n\r\n--XyZ--\r\nepilogue"
    ).utf8)

    /// Parses `body` fed in chunks of `size` bytes; returns (head, data) per part.
    static func parse(_ body: [UInt8], chunk size: Int) throws -> [(MultipartParser.PartHead, [UInt8])] {
        var parser = try MultipartParser(boundary: "XyZ")
        var parts: [(MultipartParser.PartHead, [UInt8])] = []
        var index = 0
        while index < body.count {
            for event in try parser.feed(body[index..<min(body.count, index + size)]) {
                switch event {
                case .begin(let head): parts.append((head, []))
                case .data(let bytes): parts[parts.count - 1].1 += bytes
                case .end: break
                }
            }
            index += size
        }
        try parser.finish()
        return parts
    }

    @Test(arguments: [1, 2, 3, 7, 16, 1000])
    func partsSurviveAnyChunking(size: Int) throws {
        let parts = try Self.parse(Self.body, chunk: size)
        #expect(parts.count == 2)
        #expect(parts[0].0 == .init(name: "threshold", filename: nil, contentType: nil))
        #expect(String(decoding: parts[0].1, as: UTF8.self) == "0.3")
        #expect(parts[1].0 == .init(name: "file", filename: "a;b \"c\".mp4", contentType: "video/mp4"))
        // Near-delimiters inside the data stay data.
        #expect(String(decoding: parts[1].1, as: UTF8.self) == "\r\n--XyQ not quite\r\n--Xy binary \r\n")
    }

    @Test func missingClosingDelimiterIsTruncated() throws {
        var parser = try MultipartParser(boundary: "XyZ")
        _ = try parser.feed(Self.body.prefix(120))
        #expect(throws: MultipartParser.ParseError.truncated) { try parser.finish() }
    }

    @Test func malformedHeadersAreRejected() throws {
        var parser = try MultipartParser(boundary: "b")
        #expect(throws: MultipartParser.ParseError.malformed("a part without a name")) {
            _ = try parser.feed(Array("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--".utf8))
        }
        var long = try MultipartParser(boundary: "b")
        #expect(throws: MultipartParser.ParseError.self) {
            _ = try long.feed(Array(("--b\r\nX-Long: " + String(repeating: "a", count: 20_000)).utf8))
        }
    }

    @Test func boundaryComesFromTheContentType() throws {
        #expect(try MultipartParser.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(try MultipartParser.boundary(contentType: "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(try MultipartParser.boundary(contentType: "video/mp4") == nil)
        #expect(throws: MultipartParser.ParseError.self) { try MultipartParser.boundary(contentType: "multipart/form-data") }
    }
}
