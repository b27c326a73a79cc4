import Dispatch

/// Drops `value` on another thread. Freeing a site's thousands of values one by one takes
/// tens of milliseconds that need not hold up the caller; a process that exits first
/// leaves them to the system. The caller must hand over its only reference (`consume`).
func releaseInBackground<Value: Sendable>(_ value: consuming Value) {
    let box = Unmanaged.passRetained(ReleasedBox(consume value))
    DispatchQueue.global().async { box.release() }
}

private final class ReleasedBox<Value: Sendable>: Sendable {
    let value: Value
    init(_ value: consuming Value) { self.value = value }
}
