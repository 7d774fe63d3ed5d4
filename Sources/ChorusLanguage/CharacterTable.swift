/// Unicode as the model sees it: per code point, a kind (letter, mark, separator, ignorable),
/// a script class and a case-folded form, from the model's `CPAG`, `CHRS` and `CSEC` sections.
///
/// The builder derives the table from Python's Unicode database and folds its training words
/// through the same table, so scorer and builder agree on every code point by construction;
/// Swift's own Unicode properties are never consulted.
struct CharacterTable {
    enum Kind: UInt32 {
        case separator = 0, letter, mark, ignored
    }

    /// One code point's entry: bits 0-20 offset to the folded point, 21-24 script, 25-26 kind,
    /// 27-31 index + 1 of a second folded point.
    struct Entry {
        let raw: UInt32
        let scalar: UInt32

        var kind: Kind { Kind(rawValue: raw >> 25 & 3) ?? .separator }
        var script: ModelScript { ModelScript(rawValue: UInt8(raw >> 21 & 15)) ?? .other }
        var folded: UInt32 { (scalar &+ raw) & 0x1F_FFFF }
        /// Index + 1 into the second-point list, or 0 when the fold is a single point.
        var secondIndex: Int { Int(raw >> 27) }
    }

    private static let pageCount = 0x110000 >> 8

    private let pageIndex: UnsafePointer<UInt16>
    private let pages: UnsafePointer<UInt32>
    private let seconds: UnsafePointer<UInt32>

    init(pageIndex: UnsafeRawBufferPointer, pages: UnsafeRawBufferPointer, seconds: UnsafeRawBufferPointer)
        throws(LanguageModelError)
    {
        guard pageIndex.count == Self.pageCount * 2, let indexBase = pageIndex.baseAddress else {
            throw .malformedSection("CPAG")
        }
        guard pages.count % 1024 == 0, pages.count > 0, let pageBase = pages.baseAddress else {
            throw .malformedSection("CHRS")
        }
        guard seconds.count % 4 == 0, seconds.count / 4 < 32, let secondBase = seconds.baseAddress else {
            throw .malformedSection("CSEC")
        }
        self.pageIndex = indexBase.bindMemory(to: UInt16.self, capacity: Self.pageCount)
        self.pages = pageBase.bindMemory(to: UInt32.self, capacity: pages.count / 4)
        self.seconds = secondBase.bindMemory(to: UInt32.self, capacity: max(1, seconds.count / 4))
        // Checked once here so that lookups need no bounds checks.
        let pageTotal = pages.count / 1024
        for page in 0..<Self.pageCount where Int(self.pageIndex[page]) >= pageTotal {
            throw .malformedSection("CPAG")
        }
        for index in 0..<(pageTotal * 256) {
            let raw = self.pages[index]
            guard raw >> 21 & 15 < ModelScript.allCases.count, Int(raw >> 27) <= seconds.count / 4 else {
                throw .malformedSection("CHRS")
            }
        }
    }

    /// The entry of a Unicode scalar value (at most 0x10FFFF).
    @inline(__always)
    func entry(_ scalar: UInt32) -> Entry {
        let page = Int(pageIndex[Int(scalar >> 8)])
        return Entry(raw: pages[page << 8 | Int(scalar & 0xFF)], scalar: scalar)
    }

    /// The second point of a two-point fold (`ß` → `ss`); `index` is `Entry.secondIndex`.
    @inline(__always)
    func second(_ index: Int) -> UInt32 {
        seconds[index - 1]
    }
}
