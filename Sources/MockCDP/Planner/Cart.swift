/// What a user has put in their cart, and the order amounts it adds up to.
struct Cart: Sendable {
    struct Line: Sendable {
        /// The product, by index into the catalog.
        var product: Int
        var priceMinor: Int64
        var quantity: Int
    }

    var lines: [Line] = []
    var isEmpty: Bool { lines.isEmpty }

    /// Adds a product, merging with a line of the same product.
    mutating func add(_ product: Int, priceMinor: Int64, quantity: Int) {
        if let index = lines.firstIndex(where: { $0.product == product }) {
            lines[index].quantity += quantity
        } else {
            lines.append(Line(product: product, priceMinor: priceMinor, quantity: quantity))
        }
    }

    /// Takes the line of a product out of the cart.
    mutating func remove(product: Int) {
        lines.removeAll { $0.product == product }
    }

    /// The amounts of an order of this cart, all in minor units.
    func amounts(store: Store, coupon: Coupon?) -> OrderAmounts {
        let revenue = lines.reduce(Int64(0)) { $0 + $1.priceMinor * Int64($1.quantity) }
        let discount = coupon.map { Money.share(of: revenue, $0.off) } ?? 0
        let subtotal = revenue - discount
        let tax = Money.share(of: subtotal, store.taxRate)
        let freeShipping = store.freeShippingOverMinor.map { subtotal >= $0 } ?? false
        let shipping = freeShipping ? 0 : store.shippingMinor
        return OrderAmounts(
            revenue: revenue, discount: discount, subtotal: subtotal, tax: tax, shipping: shipping,
            total: subtotal + tax + shipping, coupon: coupon?.code)
    }
}

/// Order amounts as the e-commerce spec relates them: revenue is the sum of price × quantity,
/// subtotal is revenue less discount, total is subtotal plus tax and shipping.
struct OrderAmounts: Sendable, Equatable {
    var revenue: Int64
    var discount: Int64
    var subtotal: Int64
    var tax: Int64
    var shipping: Int64
    var total: Int64
    var coupon: String?
}

enum Money {
    /// `amount × rate`, rounded half to even in minor units, computed in integers so that
    /// no binary fraction can tip a rounding.
    static func share(of amount: Int64, _ rate: Rate) -> Int64 {
        let partsPerMillion = Int64((rate.fraction * 1_000_000).rounded())
        let (product, overflow) = amount.multipliedReportingOverflow(by: partsPerMillion)
        guard !overflow else {
            return Int64((Double(amount) * rate.fraction).rounded(.toNearestOrEven))
        }
        let quotient = product / 1_000_000
        let remainder = product % 1_000_000
        if remainder * 2 > 1_000_000 || (remainder * 2 == 1_000_000 && quotient % 2 != 0) {
            return quotient + 1
        }
        return quotient
    }
}
