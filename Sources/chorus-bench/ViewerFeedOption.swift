import ArgumentParser

/// The daemon's `feed` viewer parameter as the bench sets it on its publishers.
enum ViewerFeedOption: String, ExpressibleByArgument, CaseIterable {
    case all
    case none
}
