import Foundation

/// The folder uploads are written to while they are analysed. File names are the server's own
/// (a UUID); nothing a client sends — file name, path or header — is used to name or find a file.
public final class UploadStore: Sendable {
    public let directory: URL
    /// Whether the server made the folder (and so removes it at exit).
    private let ownsDirectory: Bool

    /// Uses `directory`, or makes a new private folder under the system's temporary folder.
    /// Files left in a given folder by an earlier run that crashed are removed.
    /// - Throws: file-system errors creating the folder.
    public init(directory: URL?) throws {
        let manager = FileManager.default
        if let directory {
            self.directory = directory
            ownsDirectory = false
            try manager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for name in try manager.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(Self.suffix) {
                try? manager.removeItem(at: directory.appendingPathComponent(name))
            }
        } else {
            self.directory = manager.temporaryDirectory.appendingPathComponent("syncdefense-uploads-\(UUID().uuidString)")
            ownsDirectory = true
            try manager.createDirectory(at: self.directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
    }

    static let suffix = ".upload"

    /// A new empty file for one upload.
    /// - Throws: ``APIError`` 500 when the file cannot be made.
    func makeFile() throws -> TemporaryUpload {
        let url = directory.appendingPathComponent(UUID().uuidString + Self.suffix)
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw APIError(.internalServerError, code: "storage", "the server could not store the upload")
        }
        return TemporaryUpload(url: url)
    }

    /// Upload files present now (tests check that none outlive their request).
    public func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(Self.suffix) }
    }

    /// Removes every upload file, and the folder when the server made it (called at exit).
    public func removeAll() {
        for name in files() { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }
}

/// One upload on disk. The file is removed when the last holder lets go — the request handler and,
/// when an analysis outlives its request's time limit, the worker still reading it — so it goes
/// in every outcome: success, error, time-out or a client that vanished.
final class TemporaryUpload: Sendable {
    let url: URL
    var path: String { url.path }

    init(url: URL) { self.url = url }

    deinit { try? FileManager.default.removeItem(at: url) }
}
