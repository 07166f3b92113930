import HedgeGridCore

enum HedgeGridParametersFixture {
    static var base: HedgeGridParameters { HedgeGridParameters() }
}
