/// The scorer's tuned constants, read from the model's `PARM` section.
///
/// They ship inside the model because they were fitted to it (scripts/langid/tune.py on
/// validation data): a rebuilt model brings its own. Costs are in the model's units (a fixed
/// fraction of a nat); see docs/language-tagging.md for what each one does.
struct ModelParameters {
    /// Cost units per nat.
    var unit: Int32
    /// Longest character n-gram in the model.
    var order: Int
    /// Added per order a character n-gram lookup backs off.
    var backoff: Int32
    /// For a character not even the unigram table has.
    var unseen: Int32
    /// Token and per-point cost for a language that is the only one of its script.
    var ownToken: Int32
    var ownPoint: Int32
    /// Token and per-point cost of a Latin token to a language of another script.
    var latinToken: Int32
    var latinPoint: Int32
    /// Token and per-point cost of any other foreign-script token.
    var foreignToken: Int32
    var foreignPoint: Int32
    /// Prior bonuses for the viewer's locale language, region languages and recent languages.
    var localeBonus: Int32
    var regionBonus: Int32
    var recentBonus: Int32
    /// Softmax temperature for the confidence, in units: `temperature + perToken × tokens`.
    var temperature: Double
    var temperaturePerToken: Double

    init(_ section: UnsafeRawBufferPointer) throws(LanguageModelError) {
        guard section.count % 8 == 0 else { throw .malformedSection("PARM") }
        var values: [String: Int32] = [:]
        for base in stride(from: 0, to: section.count, by: 8) {
            let tag = String(decoding: section[base..<(base + 4)], as: UTF8.self)
            values[tag] = section.loadUnaligned(fromByteOffset: base + 4, as: Int32.self)
        }
        func value(_ tag: String) throws(LanguageModelError) -> Int32 {
            guard let found = values[tag] else { throw .missingParameter(tag) }
            return found
        }
        unit = try value("UNIT")
        order = Int(try value("ORDR"))
        guard unit > 0, (1...8).contains(order) else { throw .malformedSection("PARM") }
        backoff = try value("BOFF")
        unseen = try value("UNSN")
        ownToken = try value("OWNT")
        ownPoint = try value("OWNC")
        latinToken = try value("FLTT")
        latinPoint = try value("FLTC")
        foreignToken = try value("FOTT")
        foreignPoint = try value("FOTC")
        localeBonus = try value("LOCB")
        regionBonus = try value("REGB")
        recentBonus = try value("RECB")
        temperature = Double(try value("TMP0")) / 1000
        temperaturePerToken = Double(try value("TMP1")) / 1000
    }
}
