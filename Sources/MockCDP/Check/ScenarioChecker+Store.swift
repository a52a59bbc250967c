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
            var seen: [String: Int] = [:]
            for item in items {
                guard let coupon = readCoupon(item) else { continue }
                if let line = seen[coupon.code] {
                    error(
                        item, "coupon code '\(coupon.code)' is used twice",
                        hint: "the first one is at line \(line); codes must be unique")
                    continue
                }
                seen[coupon.code] = item.location.line
                store.coupons.append(coupon)
            }
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

    /// Digits after the decimal point of an ISO 4217 currency (its "minor unit").
    ///
    /// The system knows which codes exist, but on Linux its formatter reports two digits for
    /// every currency, so the exceptions to two come from ISO 4217's own table.
    static func currencyDecimals(_ code: String) -> Int? {
        guard code.count == 3, code == code.uppercased(),
            Locale.commonISOCurrencyCodes.contains(code)
        else { return nil }
        return minorUnitExceptions[code] ?? 2
    }

    private static let minorUnitExceptions: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
        "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]

    mutating func readCatalog(_ node: YAMLNode, site: Site, store: Store) -> [Product] {
        guard let fields = fields(node, of: "catalog", keys: ["products"]),
            let productsNode = require(fields, "products", of: "catalog"),
            let items = list(productsNode, "catalog products")
        else { return [] }
        if items.isEmpty {
            error(
                productsNode, "the catalog has no products",
                hint: "list products under catalog.products")
        }

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
