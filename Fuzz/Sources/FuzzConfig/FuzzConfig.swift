import ChorusCore
import FuzzSupport

// The config loader: a JSON config file, then `--set key=value` text. Invariants beyond
// "no crash": applying a document is deterministic, and a value set through `--set` gives
// the same tree as the same text in the setting's environment variable.

/// libFuzzer calls this with each input (its own `main` drives the run).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let parts = split(bytes(data, count), parts: 2)
    if let document = try? JSONParser.parse(parts[0]) {
        var first = ChorusConfig()
        var second = ChorusConfig()
        let firstApplied = (try? first.apply(document)) != nil
        let secondApplied = (try? second.apply(document)) != nil
        precondition(firstApplied == secondApplied && first == second, "applying a document is not deterministic")
        if firstApplied { _ = try? first.validate() }
    }
    let line = String(decoding: parts[1], as: UTF8.self)
    guard let equals = line.firstIndex(of: "=") else { return 0 }
    let key = String(line[..<equals])
    let value = String(line[line.index(after: equals)...])
    var viaSet = ChorusConfig()
    guard (try? viaSet.set(key, text: value)) != nil,
        let setting = ChorusConfig.settings.first(where: { $0.key == key })
    else { return 0 }
    var viaEnvironment = ChorusConfig()
    precondition((try? viaEnvironment.apply(environment: [setting.environmentName: value])) != nil, "env refused")
    precondition(viaSet == viaEnvironment, "--set and the environment disagree")
    _ = try? viaSet.validate()
    return 0
}
