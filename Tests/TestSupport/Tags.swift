import Testing

/// Tags for suites that are slow or need external programs, so a local run can
/// leave them out with `swift test --skip-tags` style filters (CI runs everything).
extension Tag {
    /// Needs the real nginx binary.
    @Tag public static var nginx: Self
    /// Drives headless Chromium.
    @Tag public static var browser: Self
    /// Runs the Nu HTML checker (Java).
    @Tag public static var validator: Self
    /// Coverage or random-input suites that take long.
    @Tag public static var fuzz: Self
    /// Needs Node, ffmpeg or another external program.
    @Tag public static var external: Self
    /// Takes more than a few seconds.
    @Tag public static var slow: Self
}
