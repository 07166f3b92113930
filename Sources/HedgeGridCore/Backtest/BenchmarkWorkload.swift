/// The backtest `hgctl bench backtest` (and `scripts/engine-instructions.sh`) measures: the default
/// HedgeGridV1 parameters with a base quantity of 20, a 10,000 USDT account at 5x with Binance's
/// default fees and FILUSDT-like filters, and a funding rate of 0.01% settling every 8 hours.
public struct BenchmarkWorkload: Sendable {
    public var parameters: HedgeGridParameters
    public var exchange: ExchangeSettings

    public init() {
        parameters = HedgeGridParameters()
        parameters.baseQuantity = 20
        exchange = ExchangeSettings(
            startingBalance: 10_000, leverage: 5, makerFee: 0.0002, takerFee: 0.0005,
            filters: InstrumentFilters(tickSize: 0.001, stepSize: 1, minQty: 1, minNotional: 5))
    }

    /// A settlement 8 hours after the first bar's open and every 8 hours after, up to the last bar.
    public static func funding(for bars: BarSeries) -> FundingSeries {
        var funding = FundingSeries()
        guard bars.count > 0 else { return funding }
        var time = bars.openTimes[0] + 8 * 3_600_000
        while time < bars.openTimes[bars.count - 1] {
            funding.append(time: time + 5, rate: 0.0001)
            time += 8 * 3_600_000
        }
        return funding
    }
}
