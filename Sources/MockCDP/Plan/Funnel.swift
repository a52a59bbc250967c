/// An ordered path through the site; each user follows one funnel.
public struct Funnel: Codable, Sendable, Equatable {
    public var name: String
    public var weight: Double
    /// Every step, those of branches included, in the order written; a user takes the steps
    /// of one arm of each branch and skips the others.
    public var steps: [Step]
    /// The weights of each branch's arms, by branch number; they add up to 1.
    public var branches: [[Double]]
}

/// Where a step sits in a branch: which branch of the funnel, and which arm of it.
public struct BranchPosition: Codable, Sendable, Equatable, Hashable {
    public var branch: Int
    public var arm: Int
}

/// One step of a funnel: a Segment call sent by the users who convert to it.
public struct Step: Codable, Sendable, Equatable {
    public var call: Call
    /// Share of the users at the previous step (or of arrivals, for the first) who reach this one.
    public var rate: Rate
    /// Wait before each call of the step, measured from the user's previous event.
    public var after: Delay
    /// How many times the call is sent.
    public var repeats: IntRange
    /// Literal properties (or extra traits, for identify), in the order written.
    public var properties: JSONObject
    /// Where product properties come from, for product events.
    public var product: ProductSource?
    /// Quantity added, for `Product Added`.
    public var quantity: IntRange
    /// Whether a user who does not convert goes on to the next step rather than leaving.
    public var optional: Bool
    /// The branch arm the step belongs to, if any.
    public var branch: BranchPosition?
    /// Where the step was written, so that reports can point at it.
    public var location: SourceLocation
}

extension Step {
    /// The rate for a user with a cohort's `lift`: rates below 100% are multiplied by it,
    /// up to 100%; a step every user takes stays so.
    public func rate(lift: Double) -> Rate {
        guard lift != 1, rate.fraction < 1 else { return rate }
        return Rate(min(1, rate.fraction * lift))
    }
}

public enum Call: Codable, Sendable, Equatable {
    case page(PageCall)
    case track(event: String, role: EcommerceRole)
    case identify

    /// The Segment message type.
    public var type: String {
        switch self {
        case .page: "page"
        case .track: "track"
        case .identify: "identify"
        }
    }

    /// A short label for reports: the page name, the event name, or `identify`.
    public var label: String {
        switch self {
        case .page(let page): "page \(page.name)"
        case .track(let event, _): event
        case .identify: "identify"
        }
    }
}

public struct PageCall: Codable, Sendable, Equatable {
    public var name: String
    public var path: String
    public var title: String
    public var category: String?
}

/// What an e-commerce spec event does with the catalog and the cart.
public enum EcommerceRole: String, Codable, Sendable, Equatable {
    /// An event with only literal properties.
    case plain
    /// Product Viewed, Product Clicked: describes one product.
    case product
    /// Product Added: describes one product and puts it in the cart.
    case addToCart = "add_to_cart"
    /// Cart Viewed: lists the cart.
    case cart
    /// Checkout Started: the cart with its amounts.
    case checkout
    /// Order Completed: the cart with its amounts; the cart is then empty.
    case order

    /// The role of an event of the Segment e-commerce spec v2, by its name.
    public init(event: String) {
        switch event {
        case "Product Viewed", "Product Clicked": self = .product
        case "Product Added": self = .addToCart
        case "Cart Viewed": self = .cart
        case "Checkout Started": self = .checkout
        case "Order Completed": self = .order
        default: self = .plain
        }
    }

    /// Whether the event describes the cart and so needs something in it.
    public var needsCart: Bool { self == .cart || self == .checkout || self == .order }
}

public enum ProductSource: Codable, Sendable, Equatable {
    /// A weighted pick from the catalog.
    case catalog
    /// The product of the user's last product event, or a catalog pick.
    case lastViewed
    /// One product of the catalog, by id.
    case fixed(id: String)
}

/// An inclusive range of whole numbers, drawn uniformly.
public struct IntRange: Codable, Sendable, Equatable, CustomStringConvertible {
    public var lower: Int
    public var upper: Int

    public init(_ lower: Int, _ upper: Int) {
        self.lower = lower
        self.upper = upper
    }

    public static let one = IntRange(1, 1)

    public var description: String { lower == upper ? "\(lower)" : "\(lower)..\(upper)" }
}

/// The wait before a step, in milliseconds.
public struct Delay: Codable, Sendable, Equatable {
    public enum Distribution: Codable, Sendable, Equatable {
        case fixed(Int64)
        case uniform(Int64, Int64)
        case exponential(mean: Int64)
        case normal(mean: Int64, deviation: Int64)
        case logNormal(median: Int64, sigma: Double)
    }

    public var distribution: Distribution
    /// Draws outside these bounds are clamped into them.
    public var bounds: ClosedRange<Int64>?

    public init(_ distribution: Distribution, bounds: ClosedRange<Int64>? = nil) {
        self.distribution = distribution
        self.bounds = bounds
    }

    public static let zero = Delay(.fixed(0))

    /// The largest value a draw can take, when it has one; used for warnings.
    public var maximum: Int64? {
        if let bounds { return bounds.upperBound }
        switch distribution {
        case .fixed(let value): return value
        case .uniform(_, let upper): return upper
        default: return nil
        }
    }
}
