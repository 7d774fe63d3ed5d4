import ChorusCore
import Testing

@testable import ChorusLanguage

/// Regions: the ISO table from iso-codes and each region's likely languages (CLDR via ICU).
@Suite struct RegionLanguagesTests {
    @Test func everyAssignedRegionIsKnownAndOthersAreNot() {
        #expect(RegionCode.all.count == 249)
        #expect(RegionCode.isAssigned("BR") && RegionCode.isAssigned("AQ") && RegionCode.isAssigned("SS"))
        #expect(!RegionCode.isAssigned("ZZ") && !RegionCode.isAssigned("XK") && !RegionCode.isAssigned("QQ"))
        #expect(RegionCode.name(of: "CI") != nil)
    }

    @Test func regionsGetCLDRsLikelyLanguagePlusTheTablesOthers() {
        #expect(RegionLanguages.all["BR"] == ["pt"])
        #expect(RegionLanguages.all["EG"] == ["ar"])
        #expect(RegionLanguages.all["KE"]?.first == "sw", "a region the hand table never had")
        #expect(Set(RegionLanguages.all["CH"] ?? []) == ["de", "fr", "it"])
        #expect(Set(RegionLanguages.all["IN"] ?? []) == ["hi", "en"])
        #expect(RegionLanguages.all["AQ"] == nil, "CLDR names no language for Antarctica")
        // Nearly every region has one.
        #expect(RegionLanguages.all.count > 240)
    }
}
