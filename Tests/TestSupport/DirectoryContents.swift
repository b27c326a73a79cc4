import Foundation

/// Every file under `path` (relative path → bytes), for tests that compare whole trees.
public func directoryContents(_ path: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for sub in try FileManager.default.subpathsOfDirectory(atPath: path) {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: path + "/" + sub, isDirectory: &isDirectory)
        if !isDirectory.boolValue { result[sub] = FileManager.default.contents(atPath: path + "/" + sub) }
    }
    return result
}
