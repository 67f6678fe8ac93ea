import Foundation

/// The hook the report feature supplies: writes a report of the workbench's current state (the
/// analysis, the cursor, bookmarks and the action log) and returns where it went. Without one, the
/// export key says that report export is not available in this build.
public typealias ReportExport = @Sendable (WorkbenchState) throws -> URL
