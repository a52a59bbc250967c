/// Where an e-commerce event takes the user: a product's page, or another page of the site.
enum PageTarget {
    case product(Int)
    /// A page by path and name; its title is the name in the site's style.
    case page(path: String, name: String)
}

/// One user's shopping state: cart, checkout, coupons, wishlist, orders, and what the
/// current e-commerce event describes.
///
/// `prepare` applies an event's effect before it is written; `write` then fills the
/// event's standard properties, in the order `EcommerceSpec` lists them, from this
/// state. Keeping both here means the properties of every spec event come from
/// one place, whatever event a funnel sends and in whatever order.
struct Shopping {
    struct Checkout {
        var orderId: String
        var checkoutId: String
        var coupon: Coupon?
    }

    struct Order {
        var orderId: String
        var lines: [Cart.Line]
        var amounts: OrderAmounts
    }

    struct ProductList {
        var id: String
        var category: String
        /// The products shown, in order: the category's, narrowed by the filter if applied.
        var shown: [Int]
        var filter: (type: String, value: String)?
    }

    struct Promotion {
        var id: String
        var creative: String
        var name: String
        var position: String
    }

    struct Share {
        var via: String
        var message: String
        var recipient: String
    }

    struct Review {
        var id: String
        var rating: Int
        var body: String
    }

    private let catalog: PlannerCatalog
    private let seed: UInt64
    private let user: UInt64

    private(set) var cart = Cart()
    private var cartId: String?
    /// Products viewed, oldest first, for Product Added to choose from.
    private var viewed: [Int] = []
    private var wishlist: [Int] = []
    private var wishlistId: String?
    private var checkout: Checkout?
    private var lastOrder: Order?
    private var idCounter: UInt64 = 0

    /// Whether coupon events decide the order's coupon instead of the store's shares.
    private var couponsChosen = false
    private var enteredCoupon: Coupon?
    private var appliedCoupon: Coupon?
    private var checkoutStep = 0
    private var methods: (shipping: String, payment: String)?

    // What the event being written describes.
    private var product: Int?
    /// Where the product sits in the list it was picked from, counted from 1.
    private var position: Int?
    private var quantity = 1
    private var query = ""
    private var list: ProductList?
    private var promotion: Promotion?
    private var eventCoupon: Coupon?
    private var denialReason = ""
    private var share: Share?
    private var review: Review?

    init(catalog: PlannerCatalog, user: Int) {
        self.catalog = catalog
        seed = catalog.plan.seed
        self.user = UInt64(user)
    }

    /// Whether the user can send an event of this role: a cart to show, a wishlist
    /// product to move. A user who emptied their cart leaves instead.
    func canPerform(_ role: EcommerceRole) -> Bool {
        if role.needsCart, cart.isEmpty { return false }
        if role.needsWishlist, wishlist.isEmpty { return false }
        if role.needsOrder, lastOrder == nil { return false }
        return true
    }

    /// Applies the effect of an event before it is written, and returns the page the
    /// user is on for it, if the event moves them.
    mutating func prepare(_ event: SpecEvent, step: Step, random: inout RandomStream)
        -> PageTarget?
    {
        let role = event.role
        switch role {
        case .plain:
            return nil
        case .search:
            let item = catalog.products[catalog.pickProduct(&random)]
            query = (item.category ?? item.name).lowercased()
            return .page(path: "/search", name: "Search")
        case .productList:
            list = makeList(filtered: event.has(.filters), &random)
            return list.map {
                .page(path: "/collections/" + Slug.make($0.category), name: $0.category)
            }
        case .promotion:
            if promotion == nil {
                let item = catalog.products[catalog.pickProduct(&random)]
                let topic = item.category ?? item.brand ?? item.name
                let slug = Slug.make(topic)
                let positions = ["home_banner_top", "home_banner_side", "category_header"]
                promotion = Promotion(
                    id: "promo_" + slug.replacingOccurrences(of: "-", with: "_"),
                    creative: slug + "_banner", name: "\(topic) picks",
                    position: positions[Int(random.below(UInt64(positions.count)))])
            }
            return nil
        case .product, .addToCart, .wishlistAdd, .productShare, .review:
            position = nil
            let index: Int
            if role == .product, step.product ?? .catalog == .catalog, let list,
                !list.shown.isEmpty
            {
                // Someone looking at a list picks from what it shows.
                let weights = list.shown.map { catalog.products[$0].weight }
                let picked = random.index(weights: weights)
                index = list.shown[picked]
                position = picked + 1
            } else {
                index = chooseProduct(step.product ?? .catalog, random: &random)
            }
            product = index
            quantity = 1
            switch role {
            case .product: viewed.append(index)
            case .addToCart:
                ensureCart()
                quantity = random.int(in: step.quantity)
                cart.add(index, priceMinor: catalog.products[index].priceMinor, quantity: quantity)
                checkout = nil
            case .wishlistAdd:
                if wishlistId == nil { wishlistId = makeId("wishlist") }
                if !wishlist.contains(index) { wishlist.append(index) }
            case .productShare:
                share = makeShare(about: catalog.products[index].name, &random)
            case .review:
                review = makeReview(&random)
            default: break
            }
            return .product(index)
        case .removeFromCart:
            let line = cart.lines[Int(random.below(UInt64(cart.lines.count)))]
            product = line.product
            quantity = line.quantity
            cart.remove(product: line.product)
            checkout = nil
            return .page(path: "/cart", name: "Cart")
        case .wishlistRemove, .wishlistToCart:
            let index = wishlist.removeLast()
            product = index
            quantity = 1
            if role == .wishlistToCart {
                ensureCart()
                cart.add(index, priceMinor: catalog.products[index].priceMinor, quantity: 1)
                checkout = nil
            }
            return .page(path: "/wishlist", name: "Wishlist")
        case .cart:
            return .page(path: "/cart", name: "Cart")
        case .cartShare:
            share = makeShare(about: "my cart", &random)
            return .page(path: "/cart", name: "Cart")
        case .checkout, .order:
            ensureCheckout(&random)
            return role == .order
                ? .page(path: "/checkout/confirmation", name: "Order Confirmation")
                : .page(path: "/checkout", name: "Checkout")
        case .checkoutStep, .checkoutProgress:
            ensureCheckout(&random)
            if role == .checkoutStep || checkoutStep == 0 { checkoutStep += 1 }
            if methods == nil {
                let shipping = ["Standard", "Express", "Next Day", "Store Pickup"]
                let payment = ["Credit Card", "PayPal", "Apple Pay", "Gift Card"]
                methods = (
                    shipping[random.index(weights: [60, 25, 10, 5])],
                    payment[random.index(weights: [55, 25, 15, 5])]
                )
            }
            return .page(path: "/checkout", name: "Checkout")
        case .orderFollowUp:
            return .page(path: "/account/orders", name: "Your Orders")
        case .couponEntered, .couponApplied, .couponDenied, .couponRemoved:
            couponsChosen = true
            ensureCheckout(&random)
            switch role {
            case .couponEntered:
                enteredCoupon = pickCoupon(&random)
                eventCoupon = enteredCoupon
            case .couponApplied:
                appliedCoupon = enteredCoupon ?? pickCoupon(&random)
                eventCoupon = appliedCoupon
                checkout?.coupon = appliedCoupon
            case .couponDenied:
                eventCoupon = enteredCoupon ?? pickCoupon(&random)
                enteredCoupon = nil
                let reasons = [
                    "Coupon expired", "Minimum order amount not reached", "Coupon already used",
                ]
                denialReason = reasons[Int(random.below(UInt64(reasons.count)))]
            default:
                eventCoupon = appliedCoupon ?? enteredCoupon ?? pickCoupon(&random)
                appliedCoupon = nil
                checkout?.coupon = nil
            }
            return nil
        }
    }

    /// Applies what happens after an event is sent: a completed order empties the cart.
    mutating func finish(_ role: EcommerceRole) {
        guard role == .order, let checkout else { return }
        lastOrder = Order(
            orderId: checkout.orderId, lines: cart.lines, amounts: amounts(of: checkout))
        cart = Cart()
        cartId = nil
        self.checkout = nil
        couponsChosen = false
        enteredCoupon = nil
        appliedCoupon = nil
        checkoutStep = 0
    }

    // MARK: Choices

    private mutating func chooseProduct(_ source: ProductSource, random: inout RandomStream) -> Int
    {
        switch source {
        case .catalog: return catalog.pickProduct(&random)
        case .lastViewed:
            let inCart = Set(cart.lines.map(\.product))
            let candidate = viewed.last { !inCart.contains($0) }
            return candidate ?? catalog.pickProduct(&random)
        case .fixed(let id): return catalog.productIndex(id: id) ?? catalog.pickProduct(&random)
        }
    }

    private mutating func ensureCart() {
        if cartId == nil { cartId = makeId("cart") }
    }

    /// Gives the order its ids when checkout begins. The store's coupon shares are drawn
    /// here (always, so that later draws do not shift), unless coupon events chose one.
    private mutating func ensureCheckout(_ random: inout RandomStream) {
        guard checkout == nil else { return }
        let drawn = drawStoreCoupon(&random)
        checkout = Checkout(
            orderId: "ord_" + Identifiers.hex(nextRandom("order"), digits: 12),
            checkoutId: makeId("checkout"), coupon: couponsChosen ? appliedCoupon : drawn)
    }

    private func drawStoreCoupon(_ random: inout RandomStream) -> Coupon? {
        var draw = random.unit()
        for coupon in catalog.plan.store.coupons {
            if draw < coupon.share.fraction { return coupon }
            draw -= coupon.share.fraction
        }
        return nil
    }

    /// A coupon a user types in: by share, or any of them when no share is set.
    private func pickCoupon(_ random: inout RandomStream) -> Coupon? {
        let coupons = catalog.plan.store.coupons
        guard !coupons.isEmpty else { return nil }
        let weights = coupons.map(\.share.fraction)
        return coupons[
            random.index(weights: weights.contains { $0 > 0 } ? weights : weights.map { _ in 1 })]
    }

    private func makeList(filtered: Bool, _ random: inout RandomStream) -> ProductList? {
        guard !catalog.products.isEmpty else { return nil }
        let pick = catalog.products[catalog.pickProduct(&random)]
        let category = pick.category ?? "All Products"
        let members = catalog.products.indices.filter {
            pick.category == nil || catalog.products[$0].category == pick.category
        }
        let filter = pick.brand.map { (type: "brand", value: $0) }
        let shown = members.filter {
            guard filtered, let filter else { return true }
            return catalog.products[$0].brand == filter.value
        }
        return ProductList(
            id: Slug.make(category), category: category, shown: Array(shown.prefix(12)),
            filter: filter)
    }

    private mutating func makeShare(about subject: String, _ random: inout RandomStream) -> Share {
        let channels = ["email", "sms", "whatsapp", "facebook", "pinterest"]
        let via = channels[random.index(weights: [40, 20, 20, 10, 10])]
        let friend = "friend\(random.below(1000))@example.com"
        return Share(via: via, message: "Have a look at \(subject)", recipient: friend)
    }

    private mutating func makeReview(_ random: inout RandomStream) -> Review {
        // Online ratings lean high: most reviews give four or five stars.
        let rating = 1 + random.index(weights: [4, 3, 8, 25, 60])
        let bodies = [
            1: ["Not as described; sent it back.", "Broke within a week."],
            2: ["Disappointing for the price.", "Runs small and feels flimsy."],
            3: ["Does the job, nothing special.", "Fine, though shipping was slow."],
            4: ["Good quality, would buy again.", "Very happy with it overall."],
            5: ["Excellent, exactly what I wanted.", "Love it; great value."],
        ]
        let choices = bodies[rating] ?? []
        return Review(
            id: makeId("review"), rating: rating,
            body: choices[Int(random.below(UInt64(choices.count)))])
    }

    // MARK: Identifiers

    /// A draw from the user's stream of ids, numbered so that it does not depend on step draws.
    private mutating func nextRandom(_ purpose: String) -> UInt64 {
        idCounter += 1
        var random = RandomStream(seed, user, RandomStream.key(purpose), idCounter)
        return random.next()
    }

    private mutating func makeId(_ purpose: String) -> String {
        idCounter += 1
        var random = RandomStream(seed, user, RandomStream.key(purpose), idCounter)
        return Identifiers.uuid(&random)
    }

    // MARK: Writing

    private func amounts(of checkout: Checkout) -> OrderAmounts {
        cart.amounts(store: catalog.plan.store, coupon: checkout.coupon)
    }

    /// Writes the standard properties of `event`, in the spec table's order; a property
    /// with nothing to say (a product without a brand, an order without a coupon) is left out.
    /// - Parameter productRun: where the event's properties list every product field in the
    ///   spec's order, if they do: those are written as the catalog joined them.
    func write(
        _ event: SpecEvent, literal: JSONObject, productRun: Int?, into writer: inout JSONWriter
    ) {
        let role = event.role
        // Only events about an order pay for adding it up.
        let order: (id: String, lines: [Cart.Line], amounts: OrderAmounts)? =
            if role == .orderFollowUp {
                lastOrder.map { ($0.orderId, $0.lines, $0.amounts) }
            } else if role.describesOrder {
                checkout.map { ($0.orderId, cart.lines, amounts(of: $0)) }
            } else {
                nil
            }
        // The product is read in place, field by field, rather than copied whole.
        let item = product
        let properties = event.properties
        var next = 0
        while next < properties.count {
            if next == productRun, let item {
                let run = catalog.productRun(item)
                writer.fragment(run.beforeQuantity)
                writer.key("quantity")
                writer.int(Int64(quantity))
                if !run.afterQuantity.isEmpty { writer.fragment(run.afterQuantity) }
                next += EcommerceSpec.productFields.count
                continue
            }
            let property = properties[next]
            next += 1
            let field = property.field
            let name = field.key
            if property.free, !literal.isEmpty, let value = literal[property.name] {
                writer.key(name)
                writer.value(value)
                continue
            }
            switch field {
            case .productID, .sku, .brand, .variant, .price, .quantity, .url, .imageURL:
                if let item {
                    writeProductField(property, of: item, quantity: quantity, &writer)
                }
            case .name:
                if role == .promotion {
                    text(name, promotion?.name, &writer)
                } else if let item {
                    writeProductField(property, of: item, quantity: quantity, &writer)
                }
            case .category:
                if role == .productList {
                    text(name, list?.category, &writer)
                } else if let item {
                    writeProductField(property, of: item, quantity: quantity, &writer)
                }
            case .value:
                if role == .product, let item {
                    money(name, catalog.products[item].priceMinor, &writer)
                } else if let order {
                    money(name, order.amounts.subtotal, &writer)
                }
            case .revenue:
                if let order { money(name, order.amounts.revenue, &writer) }
            case .subtotal:
                if let order { money(name, order.amounts.subtotal, &writer) }
            case .total:
                if let order { money(name, order.amounts.total, &writer) }
            case .shipping:
                if let order { money(name, order.amounts.shipping, &writer) }
            case .tax:
                if let order { money(name, order.amounts.tax, &writer) }
            case .discount:
                if role.needsCoupons {
                    let revenue = order?.amounts.revenue ?? 0
                    money(name, eventCoupon.map { Money.share(of: revenue, $0.off) } ?? 0, &writer)
                } else if let amounts = order?.amounts {
                    money(name, amounts.discount, &writer)
                }
            case .coupon:
                text(name, role.needsCoupons ? eventCoupon?.code : order?.amounts.coupon, &writer)
            case .couponID: text(name, eventCoupon?.code, &writer)
            case .couponName: text(name, eventCoupon.map { "\($0.off) off" }, &writer)
            case .reason: text(name, denialReason, &writer)
            case .products:
                writeProducts(role, order?.lines, &writer)
            case .orderID: text(name, order?.id, &writer)
            case .checkoutID: text(name, checkout?.checkoutId, &writer)
            case .affiliation: text(name, catalog.plan.site.name, &writer)
            case .currency: writer.fragment(catalog.currencyMember)
            case .cartID: text(name, cartId, &writer)
            case .query: text(name, query, &writer)
            case .listID: text(name, list?.id, &writer)
            case .filters: writeCriteria(name, list?.filter.map { [$0] } ?? [], &writer)
            case .sorts: writeCriteria(name, [("price", "asc")], &writer)
            case .promotionID: text(name, promotion?.id, &writer)
            case .creative: text(name, promotion?.creative, &writer)
            case .position:
                if role == .promotion {
                    text(name, promotion?.position, &writer)
                } else if let position {
                    writer.key(name)
                    writer.int(Int64(position))
                }
            case .step:
                writer.key(name)
                writer.int(Int64(max(checkoutStep, 1)))
            case .shippingMethod: text(name, methods?.shipping, &writer)
            case .paymentMethod: text(name, methods?.payment, &writer)
            case .wishlistID: text(name, wishlistId, &writer)
            case .wishlistName: text(name, wishlistId == nil ? nil : "Wishlist", &writer)
            case .shareVia: text(name, share?.via, &writer)
            case .shareMessage: text(name, share?.message, &writer)
            case .recipient: text(name, share?.recipient, &writer)
            case .reviewID: text(name, review?.id, &writer)
            case .reviewBody: text(name, review?.body, &writer)
            // The spec gives the rating as text ("5"), as review widgets submit it.
            case .rating: text(name, review.map { String($0.rating) }, &writer)
            }
        }
    }

    private func text(_ key: StaticString, _ value: String?, _ writer: inout JSONWriter) {
        guard let value else { return }
        writer.key(key)
        writer.string(value)
    }

    private func money(_ key: StaticString, _ minor: Int64, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.money(minor, decimals: catalog.plan.store.currencyDecimals)
    }

    private func writeCriteria(
        _ key: StaticString, _ criteria: [(type: String, value: String)],
        _ writer: inout JSONWriter
    ) {
        writer.key(key)
        writer.beginArray()
        for criterion in criteria {
            writer.beginObject()
            writer.key("type")
            writer.string(criterion.type)
            writer.key("value")
            writer.string(criterion.value)
            writer.endObject()
        }
        writer.endArray()
    }

    /// The products of a list, of the order the event refers to, or of the cart.
    private func writeProducts(
        _ role: EcommerceRole, _ orderLines: [Cart.Line]?, _ writer: inout JSONWriter
    ) {
        writer.key("products")
        writer.beginArray()
        if role == .productList, let list {
            for (position, index) in list.shown.enumerated() {
                writeProductObject(index, quantity: nil, position, &writer)
            }
        } else {
            for (position, line) in (orderLines ?? cart.lines).enumerated() {
                writeProductObject(line.product, quantity: line.quantity, position, &writer)
            }
        }
        writer.endArray()
    }

    private func writeProductObject(
        _ index: Int, quantity: Int?, _ position: Int, _ writer: inout JSONWriter
    ) {
        writer.beginObject()
        for property in EcommerceSpec.productFields {
            if property.field == .quantity, quantity == nil { continue }
            writeProductField(property, of: index, quantity: quantity ?? 1, &writer)
        }
        writer.key("position")
        writer.int(Int64(position + 1))
        writer.endObject()
    }

    /// Writes one of a product's fields: the quantity, or a member the catalog encoded
    /// once for the product (nothing for a field the product does not have).
    private func writeProductField(
        _ property: SpecProperty, of index: Int, quantity: Int, _ writer: inout JSONWriter
    ) {
        if property.field == .quantity {
            writer.key(property.field.key)
            writer.int(Int64(quantity))
        } else if let member = catalog.productMember(index, property.field) {
            writer.fragment(member)
        }
    }
}
