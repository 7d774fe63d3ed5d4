public import ArgumentParser
import ChorusCore

/// `ingest`: many publishers over many rooms, few readers; how many chat messages per second
/// the daemon accepts, language-tags and batches.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "P publishers over R rooms, K readers per room; steps through aggregate chat rates.",
        discussion: """
            Every publisher sends paced chat at its share of the aggregate rate; every message \
            must reach each reader of its room exactly once (sequence-checked). Accepted \
            messages are counted from the batches received; the table adds accepted msg/s and \
            server CPU µs per accepted message. Publishers are room members too, so they also \
            receive every batch of their room.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var step: StepOptions

    @Option(help: "Number of rooms (named PREFIX-0 … PREFIX-(R-1)).")
    var rooms = 50

    @Option(help: "Room name prefix.")
    var roomPrefix = "bench-ingest"

    @Option(help: "Publisher connections in all, spread evenly over the rooms (a multiple of --rooms).")
    var publishers = 500

    @Option(help: "Reader connections per room (receive only).")
    var readers = 1

    @Option(help: "Aggregate chat rates over all rooms to try, messages per second, one step each.")
    var rates = "20000,50000,100000,150000"

    @Flag(
        inversion: .prefixedNo,
        help: "Cycle chat lines in nine languages (en es pt fr de it ru ja, emoji); else English.")
    var languages = true

    @Option(
        help: """
            What publishers receive: none (send-only connections, feed=none: many publishers, few \
            readers) or all (every batch of their room, like viewers who chat).
            """)
    var publisherFeed = ViewerFeed.none

    @Option(
        help: """
            WebSocket subprotocol publishers ask for: chorus.ingest (heavy senders; the daemon reads \
            them 4 KB at a time) or none (the default protocol, read 192 bytes at a time).
            """)
    var publisherProtocol = Subprotocol.ingest

    func run() throws {
        ResourceLimits.raiseDescriptorLimit()
        let rateList = try parseRates(rates)
        var plan = try step.plan(
            scenario: "ingest", common: common,
            rooms: try roomNames(prefix: roomPrefix, rooms: rooms, publishers: publishers),
            viewersPerRoom: readers, publishersPerRoom: publishers / rooms,
            roomRates: rateList.map { $0 / Double(rooms) })
        if languages { plan.chatTexts = ChatPhrasebook.mixed }
        plan.publisherFeed = publisherFeed
        plan.publisherSubprotocol = publisherProtocol == "none" ? nil : publisherProtocol
        let report = try LoadScenario(plan: plan).run()
        ReportPrinter.printIngest(report)
    }
}

extension ViewerFeed: ExpressibleByArgument {}
