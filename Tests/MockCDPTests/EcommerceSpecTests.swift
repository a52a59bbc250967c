import Foundation
import MockCDP
import Testing

/// A scenario whose two funnels send every event of the e-commerce spec v2, with
/// carts that grow and shrink, coupons, wishlists, refunds and cancellations.
let everyEventScenario = """
    scenario: every-event
    version: 1
    seed: 42
    start: 2026-05-04T10:00:00+02:00
    duration: 2h
    timezone: Europe/Paris
    store:
      currency: EUR
      tax: 20%
      shipping: 4.90
      free_shipping_over: 80
      coupons:
        - {code: PRINTEMPS10, off: 10%, share: 0%}
    catalog:
      products:
        - {id: p-1, name: Linen Shirt, brand: Atelier Nord, category: Shirts, variant: M, price: 59.00}
        - {id: p-2, name: Wool Scarf, brand: Atelier Nord, category: Accessories, price: 35.50}
        - {id: p-3, name: Canvas Tote, brand: Sacoche, category: Accessories, price: 24.00, weight: 2}
    population:
      users: 120
      identified: 30%
      traits: [name, email, phone, address, created_at]
      context:
        locales: {fr-FR: 70%, en-GB: 30%}
        devices: {mobile: 60%, desktop: 40%}
    funnels:
      browse:
        - page: Home
        - track: Promotion Viewed
        - track: Promotion Clicked
        - track: Products Searched
        - track: Product List Viewed
        - track: Product List Filtered
        - track: Product Clicked
        - track: Product Viewed
          repeat: 2
        - track: Product Added to Wishlist
        - track: Product Shared
        - track: Product Added
          repeat: 1..2
          quantity: 1..2
        - track: Product Removed
        - track: Wishlist Product Added to Cart
        - track: Cart Viewed
      buy:
        - page: Home
        - track: Product Viewed
        - track: Product Added to Wishlist
        - track: Product Added
          quantity: 1..3
        - track: Product Viewed
        - track: Product Added
        - track: Product Removed
          rate: 50%
        - track: Cart Viewed
        - track: Cart Shared
        - track: Coupon Entered
        - track: Coupon Denied
        - track: Coupon Entered
        - track: Coupon Applied
          rate: 70%
        - track: Checkout Started
        - track: Checkout Step Viewed
        - track: Checkout Step Completed
        - track: Checkout Step Viewed
        - track: Payment Info Entered
        - track: Checkout Step Completed
        - identify:
        - track: Order Completed
        - track: Order Updated
        - track: Product Reviewed
        - track: Order Refunded
        - track: Product Removed from Wishlist
        - track: Product Added
        - track: Coupon Entered
        - track: Coupon Applied
        - track: Coupon Removed
        - track: Order Completed
        - track: Order Cancelled
    """

/// JSON types as the spec tables name them.
enum SpecKind: Equatable {
    case string, number, array
}

@Suite("E-commerce spec events")
struct EcommerceSpecTests {
    @Test("every field is written under the name the spec gives it")
    func keysAreNames() {
        for field in StandardField.allCases {
            #expect(field.key.description == field.rawValue)
        }
    }

    /// The property tables of Segment's E-Commerce Events spec v2, written out from the
    /// published spec independently of `EcommerceSpec`: event → property → type.
    static let product: [String: SpecKind] = [
        "product_id": .string, "sku": .string, "category": .string, "name": .string,
        "brand": .string, "variant": .string, "price": .number, "quantity": .number,
        "coupon": .string, "position": .number, "url": .string, "image_url": .string,
    ]
    static let order: [String: SpecKind] = [
        "order_id": .string, "affiliation": .string, "total": .number, "revenue": .number,
        "shipping": .number, "tax": .number, "discount": .number, "coupon": .string,
        "currency": .string, "products": .array,
    ]
    static let promotion: [String: SpecKind] = [
        "promotion_id": .string, "creative": .string, "name": .string, "position": .string,
    ]
    static let step: [String: SpecKind] = [
        "checkout_id": .string, "step": .number, "shipping_method": .string,
        "payment_method": .string,
    ]
    static let wishlist = product.merging(["wishlist_id": .string, "wishlist_name": .string]) {
        $1
    }
    static let share: [String: SpecKind] = [
        "share_via": .string, "share_message": .string, "recipient": .string,
    ]
    static let spec: [String: [String: SpecKind]] = [
        "Products Searched": ["query": .string],
        "Product List Viewed": ["list_id": .string, "category": .string, "products": .array],
        "Product List Filtered": [
            "list_id": .string, "category": .string, "filters": .array, "sorts": .array,
            "products": .array,
        ],
        "Promotion Viewed": promotion,
        "Promotion Clicked": promotion,
        "Product Clicked": product,
        "Product Viewed": product.merging(["currency": .string, "value": .number]) { $1 },
        "Product Added": product.merging(["cart_id": .string]) { $1 },
        "Product Removed": product.merging(["cart_id": .string]) { $1 },
        "Cart Viewed": ["cart_id": .string, "products": .array],
        "Checkout Started": order.merging(["value": .number]) { $1 }.filter {
            $0.key != "total"
        },
        "Checkout Step Viewed": step,
        "Checkout Step Completed": step,
        "Payment Info Entered": step.merging(["order_id": .string]) { $1 },
        "Order Updated": order,
        "Order Completed": order.merging(["checkout_id": .string, "subtotal": .number]) { $1 },
        "Order Refunded": [
            "order_id": .string, "total": .number, "currency": .string, "products": .array,
        ],
        "Order Cancelled": order,
        "Coupon Entered": ["order_id": .string, "cart_id": .string, "coupon_id": .string],
        "Coupon Applied": [
            "order_id": .string, "cart_id": .string, "coupon_id": .string,
            "coupon_name": .string, "discount": .number,
        ],
        "Coupon Denied": [
            "order_id": .string, "cart_id": .string, "coupon": .string, "reason": .string,
        ],
        "Coupon Removed": [
            "order_id": .string, "cart_id": .string, "coupon_id": .string,
            "coupon_name": .string, "discount": .number,
        ],
        "Product Added to Wishlist": wishlist,
        "Product Removed from Wishlist": wishlist,
        "Wishlist Product Added to Cart": wishlist.merging(["cart_id": .string]) { $1 },
        "Product Shared": share.merging(product.filter { $0.key != "quantity" }) { $1 },
        "Cart Shared": share.merging(["cart_id": .string, "products": .array]) { $1 },
        "Product Reviewed": [
            "product_id": .string, "review_id": .string, "review_body": .string,
            "rating": .string,
        ],
    ]
    /// Properties MockCDP adds beyond the spec's table, so that destinations that
    /// value cart events (GA4's add_to_cart, for one) get the currency.
    static let extras: [String: Set<String>] = [
        "Product Added": ["currency"], "Product Removed": ["currency"],
    ]

    static func kind(_ value: Any) -> SpecKind? {
        switch value {
        case is String: .string
        case is [Any]: .array
        case is NSNumber: .number
        default: nil
        }
    }

    @Test("the planner's table names exactly the spec's events")
    func sameEvents() {
        #expect(Set(EcommerceSpec.names) == Set(Self.spec.keys))
        #expect(EcommerceSpec.names.count == Self.spec.count)
    }

    @Test("every spec event is sent with the spec's property names and types")
    func propertyNamesAndTypes() throws {
        var seen: Set<String> = []
        for message in try messages(plan(everyEventScenario)) {
            guard let event = message["event"] as? String else { continue }
            let table = try #require(Self.spec[event], "\(event) is not a spec event")
            seen.insert(event)
            let properties = try #require(message["properties"] as? [String: Any])
            for (key, value) in properties {
                if Self.extras[event]?.contains(key) == true { continue }
                let expected = try #require(table[key], "\(event) carries '\(key)'")
                #expect(Self.kind(value) == expected, "\(event).\(key) = \(value)")
            }
            if let products = properties["products"] as? [Any] {
                for case let entry as [String: Any] in products {
                    for (key, value) in entry {
                        let expected = try #require(Self.product[key], "products[].\(key)")
                        #expect(Self.kind(value) == expected, "\(event) products[].\(key)")
                    }
                }
            }
        }
        #expect(seen == Set(Self.spec.keys), "missing: \(Set(Self.spec.keys).subtracting(seen))")
    }

    @Test("what was added and not removed is what is checked out and ordered")
    func cartCarriesThrough() throws {
        var carts: [String: [String: Int]] = [:]
        var checked = 0
        var removals = 0
        for message in try messages(plan(everyEventScenario)) {
            guard let event = message["event"] as? String,
                let user = message["anonymousId"] as? String,
                let properties = message["properties"] as? [String: Any]
            else { continue }
            let id = properties["product_id"] as? String ?? ""
            let quantity = properties["quantity"] as? Int ?? 0
            switch event {
            case "Product Added", "Wishlist Product Added to Cart":
                carts[user, default: [:]][id, default: 0] += quantity
            case "Product Removed":
                #expect(carts[user]?[id] == quantity, "removes the whole line it had")
                carts[user]?[id] = nil
                removals += 1
            case "Cart Viewed", "Checkout Started", "Order Completed", "Cart Shared":
                let products = try #require(properties["products"] as? [[String: Any]])
                var listed: [String: Int] = [:]
                for entry in products {
                    listed[entry["product_id"] as? String ?? ""] = entry["quantity"] as? Int
                }
                #expect(listed == carts[user, default: [:]], "\(event) of \(user)")
                checked += 1
                if event == "Order Completed" { carts[user] = [:] }
            default:
                break
            }
        }
        #expect(checked > 100)
        #expect(removals > 20)
    }

    @Test("a product picked after a product list comes from the list, at its position")
    func productsFromLists() throws {
        var lists: [String: [String]] = [:]
        var picked = 0
        for message in try messages(plan(everyEventScenario)) {
            guard let event = message["event"] as? String,
                let user = message["anonymousId"] as? String,
                let properties = message["properties"] as? [String: Any]
            else { continue }
            if event.hasPrefix("Product List") {
                let products = try #require(properties["products"] as? [[String: Any]])
                lists[user] = products.compactMap { $0["product_id"] as? String }
                for (offset, entry) in products.enumerated() {
                    #expect(entry["position"] as? Int == offset + 1)
                }
            } else if event == "Product Clicked", let list = lists[user] {
                let position = try #require(properties["position"] as? Int)
                #expect(list[position - 1] == properties["product_id"] as? String)
                picked += 1
            }
        }
        #expect(picked > 20)
    }

    @Test("refunds, updates and cancellations refer to the user's earlier order")
    func followUpsReferToEarlierOrders() throws {
        var completed: [String: [String: Double]] = [:]
        var followUps = 0
        for message in try messages(plan(everyEventScenario)) {
            guard let event = message["event"] as? String,
                let user = message["anonymousId"] as? String,
                let properties = message["properties"] as? [String: Any],
                let orderId = properties["order_id"] as? String
            else { continue }
            switch event {
            case "Order Completed":
                completed[user, default: [:]][orderId] = properties["total"] as? Double
            case "Order Refunded", "Order Updated", "Order Cancelled":
                let total = try #require(
                    completed[user]?[orderId], "\(event) \(orderId) has no earlier order")
                #expect(properties["total"] as? Double == total)
                followUps += 1
            default:
                break
            }
        }
        #expect(followUps > 30)
    }

    @Test("an applied coupon discounts the order; a removed one no longer does")
    func couponsDiscountTheOrder() throws {
        var applied: [String: (code: String, discount: Double)] = [:]
        var discounted = 0
        for message in try messages(plan(everyEventScenario)) {
            guard let event = message["event"] as? String,
                let user = message["anonymousId"] as? String,
                let properties = message["properties"] as? [String: Any]
            else { continue }
            switch event {
            case "Coupon Applied":
                applied[user] = (
                    try #require(properties["coupon_id"] as? String),
                    try #require(properties["discount"] as? Double)
                )
            case "Coupon Removed":
                applied[user] = nil
            case "Order Completed":
                let discount = try #require(properties["discount"] as? Double)
                if let coupon = applied.removeValue(forKey: user) {
                    #expect(properties["coupon"] as? String == coupon.code)
                    #expect(discount == coupon.discount)
                    #expect(discount > 0)
                    discounted += 1
                } else {
                    #expect(properties["coupon"] == nil)
                    #expect(discount == 0)
                }
            default:
                break
            }
        }
        #expect(discounted > 10)
    }

    @Test("events that refer to an order, a wishlist or coupons need them earlier")
    func orderingErrors() throws {
        let yaml = """
            scenario: order-first
            version: 1
            start: 2026-05-01T00:00:00Z
            duration: 1h
            catalog:
              products:
                - {id: a, name: A, price: 5}
            population: {users: 5}
            funnels:
              main:
                - track: Product Viewed
                - track: Order Refunded
                - track: Product Removed from Wishlist
                - track: Product Added
                - track: Coupon Applied
            """
        let path = try writeScenario(yaml)
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(
            run.errors.contains(
                "\(path):12:7: error: Order Refunded refers to an earlier order, "
                    + "but no Order Completed step comes before it"))
        #expect(
            run.errors.contains(
                "\(path):13:7: error: Product Removed from Wishlist needs a wishlist"))
        #expect(
            run.errors.contains(
                "\(path):15:7: error: Coupon Applied needs a coupon, but the store has none"))
    }

    @Test("a free property takes the step's literal value in its place")
    func literalFreeProperties() throws {
        let all = try messages(
            plan(
                """
                scenario: literal-query
                version: 1
                start: 2026-05-01T00:00:00Z
                duration: 1h
                catalog:
                  products:
                    - {id: a, name: A, category: Packs, price: 5}
                population: {users: 5}
                funnels:
                  main:
                    - track: Products Searched
                      properties: {query: daypack, source: header}
                """))
        for message in all {
            let properties = try #require(message["properties"] as? [String: Any])
            #expect(properties["query"] as? String == "daypack")
            #expect(properties["source"] as? String == "header")
        }
        #expect(all.count == 5)
    }

    @Test("literal properties with a standard name must have the spec's type")
    func literalTypes() throws {
        let yaml = """
            scenario: literal-types
            version: 1
            start: 2026-05-01T00:00:00Z
            duration: 1h
            catalog:
              products:
                - {id: a, name: A, price: 5}
            population: {users: 5}
            funnels:
              main:
                - track: Gift Card Bought
                  properties: {price: "25.00"}
                - track: Product Viewed
                - track: Product Reviewed
                  properties: {rating: 5}
            """
        let path = try writeScenario(yaml)
        let run = try runTool(["validate", path])
        #expect(run.status == 65)
        #expect(
            run.errors.contains(
                "\(path):12:19: error: 'price' of Gift Card Bought must be a number"))
        #expect(
            run.errors.contains("\(path):15:19: error: 'rating' of Product Reviewed must be text"))
    }

    @Test("a user who removes the last product of their cart does not check out")
    func emptiedCartEndsTheJourney() throws {
        let all = try messages(
            plan(
                """
                scenario: emptied
                version: 1
                start: 2026-05-01T00:00:00Z
                duration: 1h
                catalog:
                  products:
                    - {id: a, name: A, price: 5}
                population: {users: 40}
                funnels:
                  main:
                    - track: Product Added
                    - track: Product Removed
                    - track: Checkout Started
                """))
        let events = all.compactMap { $0["event"] as? String }
        #expect(events.filter { $0 == "Product Removed" }.count == 40)
        #expect(!events.contains("Checkout Started"))
    }
}
