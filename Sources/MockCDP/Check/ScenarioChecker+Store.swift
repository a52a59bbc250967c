import Foundation

extension ScenarioChecker {
    mutating func readStore(_ node: YAMLNode?) -> Store {
        var store = Store(
            currency: "USD", currencyDecimals: 2, taxRate: Rate(0), shippingMinor: 0,
            freeShippingOverMinor: nil, coupons: [])
        guard let node,
            let fields = fields(
                node, of: "store",
                keys: ["currency", "tax", "shipping", "free_shipping_over", "coupons"])
        else { return store }

        if let currencyNode = fields["currency"], let code = string(currencyNode, "currency") {
            if let decimals = Self.currencyDecimals(code) {
                store.currency = code
                store.currencyDecimals = decimals
            } else {
                error(
                    currencyNode, "unknown currency '\(code)'",
                    hint: "use an ISO 4217 code such as USD or EUR")
            }
        }
        let money = { (text: String) in
            ValueGrammar.money(text, decimals: store.currencyDecimals, currency: store.currency)
        }
        if let taxNode = fields["tax"], let tax = parse(taxNode, "tax", ValueGrammar.rate) {
            store.taxRate = tax
        }
        if let shippingNode = fields["shipping"],
            let shipping = parse(shippingNode, "shipping", money)
        {
            store.shippingMinor = shipping
        }
        if let thresholdNode = fields["free_shipping_over"] {
            store.freeShippingOverMinor = parse(thresholdNode, "free_shipping_over", money)
        }
        if let couponsNode = fields["coupons"], let items = list(couponsNode, "coupons") {
            store.coupons = items.compactMap { readCoupon($0) }
            let total = store.coupons.map(\.share.fraction).reduce(0, +)
            if total > 1 + 1e-9 {
                error(
                    couponsNode, "coupon shares add up to more than 100%",
                    hint: "each share is the part of all orders that use that coupon")
            }
        }
        return store
    }

    private mutating func readCoupon(_ node: YAMLNode) -> Coupon? {
        guard let fields = fields(node, of: "a coupon", keys: ["code", "off", "share"]) else {
            return nil
        }
        let code = require(fields, "code", of: "a coupon").flatMap { string($0, "coupon code") }
        let off = require(fields, "off", of: "a coupon").flatMap {
            parse($0, "coupon off", ValueGrammar.rate)
        }
        let share = require(fields, "share", of: "a coupon").flatMap {
            parse($0, "coupon share", ValueGrammar.rate)
        }
        guard let code, let off, let share else { return nil }
        return Coupon(code: code, off: off, share: share)
    }

    /// A URL as written, or a path such as `/img/boot.jpg` made absolute on the site's URL.
    static func absolute(_ text: String, site: Site) -> String {
        text.hasPrefix("/") ? site.url + text : text
    }

    /// Digits after the decimal point of an ISO 4217 currency, as the system's ICU data has them.
    static func currencyDecimals(_ code: String) -> Int? {
        guard code.count == 3, code == code.uppercased(),
            Locale.commonISOCurrencyCodes.contains(code)
        else { return nil }
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.numberStyle = .currency
        formatter.currencyCode = code
        return formatter.maximumFractionDigits
    }

    mutating func readCatalog(_ node: YAMLNode, site: Site, store: Store) -> [Product] {
        guard let fields = fields(node, of: "catalog", keys: ["products"]),
            let productsNode = require(fields, "products", of: "catalog"),
            let items = list(productsNode, "catalog products")
        else { return [] }

        var products: [Product] = []
        var seen: [String: YAMLNode] = [:]
        for item in items {
            guard let product = readProduct(item, site: site, store: store) else { continue }
            if let first = seen[product.id] {
                error(
                    item, "product id '\(product.id)' is used twice",
                    hint: "the first one is at line \(first.location.line); ids must be unique")
                continue
            }
            seen[product.id] = item
            products.append(product)
        }
        return products
    }

    private mutating func readProduct(_ node: YAMLNode, site: Site, store: Store) -> Product? {
        let keys = [
            "id", "sku", "name", "brand", "category", "variant", "price", "image", "url", "weight",
        ]
        guard let fields = fields(node, of: "a product", keys: keys) else { return nil }
        let id = require(fields, "id", of: "a product").flatMap { string($0, "product id") }
        let name = require(fields, "name", of: "a product").flatMap { string($0, "product name") }
        let price = require(fields, "price", of: "a product").flatMap {
            parse($0, "price") {
                ValueGrammar.money($0, decimals: store.currencyDecimals, currency: store.currency)
            }
        }
        var weight = 1.0
        if let weightNode = fields["weight"], let value = number(weightNode, "weight") {
            if value > 0 {
                weight = value
            } else {
                error(
                    weightNode, "weight must be above zero; got \(value)",
                    hint: "leave a product out of the catalog instead")
            }
        }
        let sku = fields["sku"].flatMap { string($0, "sku") }
        let brand = fields["brand"].flatMap { string($0, "brand") }
        let category = fields["category"].flatMap { string($0, "category") }
        let variant = fields["variant"].flatMap { string($0, "variant") }
        let image = fields["image"].flatMap { string($0, "image") }.map {
            Self.absolute($0, site: site)
        }
        let url = fields["url"].flatMap { string($0, "url") }.map { Self.absolute($0, site: site) }
        guard let id, let name, let price else { return nil }
        return Product(
            id: id, sku: sku ?? id, name: name, brand: brand, category: category, variant: variant,
            priceMinor: price, imageURL: image,
            url: url ?? "\(site.url)/products/\(Slug.make(name))",
            weight: weight)
    }
}

/// URL-friendly names: `Crème Brûlée Torch` becomes `creme-brulee-torch`.
enum Slug {
    static func make(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var slug = ""
        var pendingDash = false
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                if pendingDash, !slug.isEmpty { slug.append("-") }
                slug.unicodeScalars.append(scalar)
                pendingDash = false
            } else {
                pendingDash = true
            }
        }
        return slug.lowercased()
    }
}
