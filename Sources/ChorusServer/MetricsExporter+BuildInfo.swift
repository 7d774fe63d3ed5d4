import ChorusCore

extension MetricsExporter {
    /// `chorus_build_info`'s label values, in the catalog's label order.
    static var buildInfoLabels: [String] { [ChorusVersion.string, swiftCompilerVersion] }

    /// The compiler's major.minor: the toolchain does not expose its full version to the
    /// code it compiles, and `#if compiler` is free at run time. Add a branch when a newer
    /// compiler is adopted; until then it reports the newest one named here with a `+`.
    static var swiftCompilerVersion: String {
        #if compiler(>=6.4)
            "6.4+"
        #elseif compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #else
            "6.1"
        #endif
    }
}
