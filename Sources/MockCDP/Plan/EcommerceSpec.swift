/// The JSON type a standard property has in Segment's specs.
public enum SpecType: String, Codable, Sendable, Equatable {
    case string
    /// Any JSON number: prices and amounts.
    case number
    /// A whole number: quantities, positions, steps.
    case integer
    /// A list of objects with product fields (`product_id`, `price`, `quantity`, …).
    case products
    /// A list of objects of another shape, such as filters and sorts.
    case objects
}

/// A standard property of the e-commerce spec, by the name it has in messages.
public enum StandardField: String, CaseIterable, Codable, Sendable, Equatable {
    case productID = "product_id"
    case sku
    case category
    case name
    case brand
    case variant
    case price
    case quantity
    case url
    case imageURL = "image_url"
    case position
    case value
    case currency
    case cartID = "cart_id"
    case checkoutID = "checkout_id"
    case orderID = "order_id"
    case affiliation
    case subtotal
    case total
    case revenue
    case shipping
    case tax
    case discount
    case coupon
    case products
    case query
    case listID = "list_id"
    case filters
    case sorts
    case promotionID = "promotion_id"
    case creative
    case step
    case shippingMethod = "shipping_method"
    case paymentMethod = "payment_method"
    case couponID = "coupon_id"
    case couponName = "coupon_name"
    case reason
    case wishlistID = "wishlist_id"
    case wishlistName = "wishlist_name"
    case shareVia = "share_via"
    case shareMessage = "share_message"
    case recipient
    case reviewID = "review_id"
    case reviewBody = "review_body"
    case rating

    /// The raw value as a static string, so that writing it as a key needs no escaping pass
    /// and no string of its own.
    public var key: StaticString {
        switch self {
        case .productID: "product_id"
        case .sku: "sku"
        case .category: "category"
        case .name: "name"
        case .brand: "brand"
        case .variant: "variant"
        case .price: "price"
        case .quantity: "quantity"
        case .url: "url"
        case .imageURL: "image_url"
        case .position: "position"
        case .value: "value"
        case .currency: "currency"
        case .cartID: "cart_id"
        case .checkoutID: "checkout_id"
        case .orderID: "order_id"
        case .affiliation: "affiliation"
        case .subtotal: "subtotal"
        case .total: "total"
        case .revenue: "revenue"
        case .shipping: "shipping"
        case .tax: "tax"
        case .discount: "discount"
        case .coupon: "coupon"
        case .products: "products"
        case .query: "query"
        case .listID: "list_id"
        case .filters: "filters"
        case .sorts: "sorts"
        case .promotionID: "promotion_id"
        case .creative: "creative"
        case .step: "step"
        case .shippingMethod: "shipping_method"
        case .paymentMethod: "payment_method"
        case .couponID: "coupon_id"
        case .couponName: "coupon_name"
        case .reason: "reason"
        case .wishlistID: "wishlist_id"
        case .wishlistName: "wishlist_name"
        case .shareVia: "share_via"
        case .shareMessage: "share_message"
        case .recipient: "recipient"
        case .reviewID: "review_id"
        case .reviewBody: "review_body"
        case .rating: "rating"
        }
    }
}

/// One standard property of an event and its type.
public struct SpecProperty: Sendable, Equatable {
    public var field: StandardField
    public var type: SpecType
    /// Whether a step may give the value itself (a search query, a review's text): its
    /// literal value is written in the property's place instead of a generated one.
    /// Ids, amounts and products are never free, so that they stay consistent.
    public var free: Bool
    /// The property's name in messages, such as `product_id`.
    public var name: String { field.rawValue }

    public init(_ field: StandardField, _ type: SpecType, free: Bool = false) {
        self.field = field
        self.type = type
        self.free = free
    }
}

/// An event of the Segment e-commerce spec v2: what it does and which properties it carries.
public struct SpecEvent: Sendable, Equatable {
    public var name: String
    public var role: EcommerceRole
    /// The properties MockCDP fills in, in the order they are written.
    public var properties: [SpecProperty]

    /// Whether the event carries the property.
    public func has(_ field: StandardField) -> Bool { properties.contains { $0.field == field } }
}

/// The events of the Segment e-commerce spec v2 and their standard properties.
///
/// This table is the one place that says which properties an event carries: the
/// planner writes them in this order, the checker refuses literal properties that
/// repeat them, and `mockcdp lint` checks their types in any NDJSON.
public enum EcommerceSpec {
    /// Fields of one product, as the spec's product events and `products` entries list them.
    public static let productFields: [SpecProperty] = [
        SpecProperty(.productID, .string), SpecProperty(.sku, .string),
        SpecProperty(.category, .string), SpecProperty(.name, .string),
        SpecProperty(.brand, .string), SpecProperty(.variant, .string),
        SpecProperty(.price, .number), SpecProperty(.quantity, .integer),
        SpecProperty(.url, .string), SpecProperty(.imageURL, .string),
    ]

    /// Order amounts in the spec's order, after `order_id` and `affiliation`.
    private static let amounts: [SpecProperty] = [
        SpecProperty(.revenue, .number), SpecProperty(.shipping, .number),
        SpecProperty(.tax, .number), SpecProperty(.discount, .number),
        SpecProperty(.coupon, .string), SpecProperty(.currency, .string),
        SpecProperty(.products, .products),
    ]

    private static let orderHead = [
        SpecProperty(.orderID, .string), SpecProperty(.affiliation, .string),
    ]
    private static let cartId = [SpecProperty(.cartID, .string)]
    /// The product's place in the list it was picked from, when it was.
    private static let listed = [SpecProperty(.position, .integer)]
    private static let currency = [SpecProperty(.currency, .string)]
    private static let wishlist = [
        SpecProperty(.wishlistID, .string), SpecProperty(.wishlistName, .string, free: true),
    ]
    private static let share = [
        SpecProperty(.shareVia, .string, free: true),
        SpecProperty(.shareMessage, .string, free: true),
        SpecProperty(.recipient, .string, free: true),
    ]
    private static let promotion = [
        SpecProperty(.promotionID, .string, free: true),
        SpecProperty(.creative, .string, free: true),
        SpecProperty(.name, .string, free: true), SpecProperty(.position, .string, free: true),
    ]
    private static let checkoutStep = [
        SpecProperty(.checkoutID, .string), SpecProperty(.step, .integer),
        SpecProperty(.shippingMethod, .string, free: true),
        SpecProperty(.paymentMethod, .string, free: true),
    ]
    private static let couponHead = [
        SpecProperty(.orderID, .string), SpecProperty(.cartID, .string),
        SpecProperty(.couponID, .string),
    ]
    private static let couponAmount = [
        SpecProperty(.couponName, .string), SpecProperty(.discount, .number),
    ]

    /// Every event of the spec, in the order the spec presents them.
    public static let events: [SpecEvent] = [
        SpecEvent(
            name: "Products Searched", role: .search,
            properties: [SpecProperty(.query, .string, free: true)]
        ),
        SpecEvent(
            name: "Product List Viewed", role: .productList,
            properties: [
                SpecProperty(.listID, .string, free: true),
                SpecProperty(.category, .string, free: true),
                SpecProperty(.products, .products),
            ]),
        SpecEvent(
            name: "Product List Filtered", role: .productList,
            properties: [
                SpecProperty(.listID, .string, free: true),
                SpecProperty(.category, .string, free: true),
                SpecProperty(.filters, .objects, free: true),
                SpecProperty(.sorts, .objects, free: true),
                SpecProperty(.products, .products),
            ]),
        SpecEvent(name: "Promotion Viewed", role: .promotion, properties: promotion),
        SpecEvent(name: "Promotion Clicked", role: .promotion, properties: promotion),
        SpecEvent(name: "Product Clicked", role: .product, properties: productFields + listed),
        SpecEvent(
            name: "Product Viewed", role: .product,
            properties: productFields + listed + currency + [SpecProperty(.value, .number)]),
        SpecEvent(
            name: "Product Added", role: .addToCart, properties: cartId + productFields + currency),
        SpecEvent(
            name: "Product Removed", role: .removeFromCart,
            properties: cartId + productFields + currency),
        SpecEvent(
            name: "Cart Viewed", role: .cart,
            properties: cartId + [SpecProperty(.products, .products)]
        ),
        SpecEvent(
            name: "Checkout Started", role: .checkout,
            properties: orderHead + [SpecProperty(.value, .number)] + amounts),
        SpecEvent(name: "Checkout Step Viewed", role: .checkoutStep, properties: checkoutStep),
        SpecEvent(
            name: "Checkout Step Completed", role: .checkoutProgress, properties: checkoutStep),
        SpecEvent(
            name: "Payment Info Entered", role: .checkoutProgress,
            properties: [SpecProperty(.checkoutID, .string), SpecProperty(.orderID, .string)]
                + checkoutStep.dropFirst()),
        SpecEvent(
            name: "Order Completed", role: .order,
            properties: [SpecProperty(.checkoutID, .string)] + orderHead
                + [SpecProperty(.subtotal, .number), SpecProperty(.total, .number)] + amounts),
        SpecEvent(
            name: "Order Updated", role: .orderFollowUp,
            properties: orderHead + [SpecProperty(.total, .number)] + amounts),
        SpecEvent(
            name: "Order Refunded", role: .orderFollowUp,
            properties: [
                SpecProperty(.orderID, .string), SpecProperty(.total, .number),
                SpecProperty(.currency, .string), SpecProperty(.products, .products),
            ]),
        SpecEvent(
            name: "Order Cancelled", role: .orderFollowUp,
            properties: orderHead + [SpecProperty(.total, .number)] + amounts),
        SpecEvent(name: "Coupon Entered", role: .couponEntered, properties: couponHead),
        SpecEvent(
            name: "Coupon Applied", role: .couponApplied, properties: couponHead + couponAmount),
        SpecEvent(
            name: "Coupon Denied", role: .couponDenied,
            properties: [
                SpecProperty(.orderID, .string), SpecProperty(.cartID, .string),
                SpecProperty(.coupon, .string), SpecProperty(.reason, .string, free: true),
            ]),
        SpecEvent(
            name: "Coupon Removed", role: .couponRemoved, properties: couponHead + couponAmount),
        SpecEvent(
            name: "Product Added to Wishlist", role: .wishlistAdd,
            properties: wishlist + productFields),
        SpecEvent(
            name: "Product Removed from Wishlist", role: .wishlistRemove,
            properties: wishlist + productFields),
        SpecEvent(
            name: "Wishlist Product Added to Cart", role: .wishlistToCart,
            properties: wishlist + cartId + productFields),
        SpecEvent(
            name: "Product Shared", role: .productShare,
            properties: share + productFields.filter { $0.field != .quantity }),
        SpecEvent(
            name: "Cart Shared", role: .cartShare,
            properties: share + cartId + [SpecProperty(.products, .objects)]),
        SpecEvent(
            name: "Product Reviewed", role: .review,
            properties: [
                SpecProperty(.productID, .string), SpecProperty(.reviewID, .string),
                SpecProperty(.reviewBody, .string, free: true),
                SpecProperty(.rating, .string, free: true),
            ]),
    ]

    private static let byName: [String: SpecEvent] = Dictionary(
        uniqueKeysWithValues: events.map { ($0.name, $0) })

    /// The spec event called `name`, spelled exactly, or `nil` for a custom event.
    public static func event(named name: String) -> SpecEvent? { byName[name] }

    /// Money properties: numbers in any track event that uses these names.
    public static let moneyNames = [
        "price", "revenue", "total", "subtotal", "value", "tax", "shipping", "discount",
    ]

    /// Types of the properties that any track event uses in the spec's sense.
    public static let commonTypes: [String: SpecType] = {
        var types: [String: SpecType] = ["quantity": .integer, "products": .products]
        for key in moneyNames { types[key] = .number }
        return types
    }()

    private static let eventTypes: [String: [String: SpecType]] = {
        var tables: [String: [String: SpecType]] = [:]
        for event in events {
            var types = commonTypes
            for property in event.properties { types[property.name] = property.type }
            tables[event.name] = types
        }
        return tables
    }()

    /// The type each standard property of `event` must have: the common money, quantity
    /// and products types, overridden and extended by the event's own table.
    public static func propertyTypes(of event: String) -> [String: SpecType] {
        eventTypes[event] ?? commonTypes
    }

    /// The names of all spec events, for "did you mean" on custom names.
    public static var names: [String] { events.map(\.name) }
}
