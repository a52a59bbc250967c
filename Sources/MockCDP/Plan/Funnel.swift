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
    /// Wait before each call of the step, measured from the user's previous event, or from
    /// the start of the visit before the visit's first event.
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
    /// A page view; app users send it as a screen view of the same name.
    case page(call: PageCall)
    /// A screen view of a mobile app.
    case screen(name: String)
    case track(event: String, role: EcommerceRole)
    case identify
    /// The user joins their company (an account); its traits are generated.
    case group
    /// The anonymous visitor's id is tied to their user id.
    case alias

    /// The Segment message type.
    public var type: String {
        switch self {
        case .page: "page"
        case .screen: "screen"
        case .track: "track"
        case .identify: "identify"
        case .group: "group"
        case .alias: "alias"
        }
    }

    /// A short label for reports: the page name, the event name, or the call type.
    public var label: String {
        switch self {
        case .page(let page): "page \(page.name)"
        case .screen(let name): "screen \(name)"
        case .track(let event, _): event
        case .identify, .group, .alias: type
        }
    }
}

public struct PageCall: Codable, Sendable, Equatable {
    public var name: String
    public var path: String
    public var title: String
    public var category: String?
}

/// What an e-commerce spec event does with the catalog, the cart and the user's orders.
///
/// Events that share a role share their effect; which properties each event carries
/// is listed once, in `EcommerceSpec`.
public enum EcommerceRole: String, Codable, Sendable, Equatable, CaseIterable {
    /// An event with only literal properties.
    case plain
    /// Products Searched: a query made from the catalog.
    case search
    /// Product List Viewed, Product List Filtered: the products of one catalog category.
    case productList = "product_list"
    /// Promotion Viewed, Promotion Clicked: a promotion of a catalog category.
    case promotion
    /// Product Viewed, Product Clicked: describes one product.
    case product
    /// Product Added: describes one product and puts it in the cart.
    case addToCart = "add_to_cart"
    /// Product Removed: takes a line out of the cart.
    case removeFromCart = "remove_from_cart"
    /// Cart Viewed: lists the cart.
    case cart
    /// Checkout Started: the cart with its amounts.
    case checkout
    /// Checkout Step Viewed: the next step of the checkout.
    case checkoutStep = "checkout_step"
    /// Checkout Step Completed, Payment Info Entered: the current step of the checkout.
    case checkoutProgress = "checkout_progress"
    /// Order Completed: the cart with its amounts; the cart is then empty.
    case order
    /// Order Updated, Refunded, Cancelled: the user's last completed order.
    case orderFollowUp = "order_follow_up"
    /// Coupon Entered: a code of the store's coupons is typed in.
    case couponEntered = "coupon_entered"
    /// Coupon Applied: the entered coupon now discounts the order.
    case couponApplied = "coupon_applied"
    /// Coupon Denied: the entered coupon is refused.
    case couponDenied = "coupon_denied"
    /// Coupon Removed: the applied coupon no longer discounts the order.
    case couponRemoved = "coupon_removed"
    /// Product Added to Wishlist: a product goes on the user's wishlist.
    case wishlistAdd = "wishlist_add"
    /// Product Removed from Wishlist: a product leaves the wishlist.
    case wishlistRemove = "wishlist_remove"
    /// Wishlist Product Added to Cart: a wishlist product moves to the cart.
    case wishlistToCart = "wishlist_to_cart"
    /// Product Shared: a product is sent to someone.
    case productShare = "product_share"
    /// Cart Shared: the cart is sent to someone.
    case cartShare = "cart_share"
    /// Product Reviewed: a rating of a product.
    case review

    /// The role of an event of the Segment e-commerce spec v2, by its name.
    public init(event: String) {
        self = EcommerceSpec.event(named: event)?.role ?? .plain
    }

    /// Whether the event describes the cart and so needs something in it.
    public var needsCart: Bool {
        switch self {
        case .removeFromCart, .cart, .checkout, .checkoutStep, .checkoutProgress, .order,
            .couponEntered, .couponApplied, .couponDenied, .couponRemoved, .cartShare:
            true
        default: false
        }
    }

    /// Whether the event puts a product in the cart.
    public var fillsCart: Bool { self == .addToCart || self == .wishlistToCart }

    /// Whether the event describes one product of the catalog, chosen by the step's `product`.
    public var choosesProduct: Bool {
        switch self {
        case .product, .addToCart, .wishlistAdd, .productShare, .review: true
        default: false
        }
    }

    /// Whether the event describes the order being checked out: its ids or amounts.
    public var describesOrder: Bool {
        switch self {
        case .checkout, .checkoutStep, .checkoutProgress, .order, .couponEntered,
            .couponApplied, .couponDenied, .couponRemoved:
            true
        default: false
        }
    }

    /// Whether the event needs an earlier `Order Completed` of the same user.
    public var needsOrder: Bool { self == .orderFollowUp }

    /// Whether the event needs a product on the wishlist.
    public var needsWishlist: Bool { self == .wishlistRemove || self == .wishlistToCart }

    /// Whether the event needs the store to have coupons.
    public var needsCoupons: Bool {
        self == .couponEntered || self == .couponApplied || self == .couponDenied
            || self == .couponRemoved
    }
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
        case fixed(millis: Int64)
        case uniform(lower: Int64, upper: Int64)
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

    public static let zero = Delay(.fixed(millis: 0))

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
