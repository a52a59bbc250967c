/// The parts of a plan that every journey reads, prepared once: product pages,
/// cumulative popularity weights, the library block of every context.
///
/// A class, so that each user's journey holds one reference to it rather than a copy
/// of every array and string in the plan.
final class PlannerCatalog: Sendable {
    let plan: Plan
    let products: [Product]
    let productPaths: [String]
    private let cumulativeWeights: [Double]
    let funnelWeights: [Double]
    let funnelKeys: [UInt64]
    let sessionTimeout: Int64

    init(plan: Plan) {
        self.plan = plan
        products = plan.catalog
        productPaths = plan.catalog.map { Self.path(of: $0.url, site: plan.site.url) }
        var running = 0.0
        cumulativeWeights = plan.catalog.map {
            running += $0.weight; return running
        }
        funnelWeights = plan.funnels.map(\.weight)
        funnelKeys = plan.funnels.map { RandomStream.key($0.name) }
        sessionTimeout = plan.sessionTimeoutMillis
    }

    /// A product index drawn by popularity weight.
    func pickProduct(_ random: inout RandomStream) -> Int {
        let target = random.unit() * (cumulativeWeights.last ?? 0)
        var low = 0
        var high = cumulativeWeights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativeWeights[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The arm of a funnel's branch that a user takes, drawn from a stream of its own so that
    /// the choice depends on nothing but the user, the funnel and the branch.
    func arm(user: Int, funnel: Int, branch: Int, visit: Int = 0) -> Int {
        var random =
            visit == 0
            ? RandomStream(
                plan.seed, UInt64(user), funnelKeys[funnel], RandomStream.key("branch"),
                UInt64(branch))
            : RandomStream(
                plan.seed, UInt64(user), funnelKeys[funnel], RandomStream.key("branch"),
                UInt64(branch), UInt64(visit))
        return random.index(weights: plan.funnels[funnel].branches[branch])
    }

    func productIndex(id: String) -> Int? {
        products.firstIndex { $0.id == id }
    }

    /// The path of a page URL, with its query.
    static func path(of url: String, site: String) -> String {
        if url.hasPrefix(site) {
            let rest = String(url.dropFirst(site.count))
            return rest.hasPrefix("/") ? rest : "/" + rest
        }
        guard let schemeEnd = url.range(of: "://") else {
            return url.hasPrefix("/") ? url : "/" + url
        }
        let afterHost = url[schemeEnd.upperBound...].drop { $0 != "/" }
        return afterHost.isEmpty ? "/" : String(afterHost)
    }
}
