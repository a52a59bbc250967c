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
    /// Each product's fields as JSON members (`"sku":"KSM-RWB-M10-SLT"`), encoded once:
    /// `productMemberFields.count` entries per product, empty where it has no such field.
    private let productMembers: EncodedBytes
    /// For each product, the members from `product_id` to `price` and those after the
    /// quantity (`url`, `image_url`), each run joined with commas: how events that carry
    /// every product field in the spec's order write them.
    private let productRuns: EncodedBytes

    /// The product fields that do not change from one event to the next (the quantity does).
    private static let productMemberFields: [StandardField] = [
        .productID, .sku, .category, .name, .brand, .variant, .price, .url, .imageURL,
    ]

    /// Each product's page title, in the site's style.
    let productTitles: [String]
    /// Each product's page, reached from within the site (no campaign parameters).
    let productPages: [SitePage]
    /// The page a user is on before their first page view: the home page.
    let startPage: SitePage

    /// `"currency":"USD"`: the store's currency as e-commerce events carry it.
    let currencyMember: [UInt8]
    /// Each funnel's steps, prepared for the planner.
    let funnelSteps: [[PlannedStep]]
    /// `"library":{"name":"mockcdp","version":…}`, the same in every message.
    let libraryMember: [UInt8]

    /// The population's context mixes, then each cohort's.
    private let choices: [ContextChoices]

    init(plan: Plan) {
        self.plan = plan
        products = plan.catalog
        let paths = plan.catalog.map { Self.path(of: $0.url, site: plan.site.url) }
        productPaths = paths
        productTitles = plan.catalog.map { Self.siteTitle($0.name, site: plan.site) }
        productPages = zip(paths, productTitles).map {
            SitePage(path: $0, title: $1, site: plan.site)
        }
        startPage = SitePage(path: "/", title: plan.site.name, site: plan.site)
        funnelSteps = plan.funnels.enumerated().map { funnel, steps in
            steps.steps.enumerated().map { index, step in
                PlannedStep(
                    step, reference: StepReference(funnel: funnel, step: index), site: plan.site)
            }
        }
        let population = plan.population
        let pages = funnelSteps.map { $0.map { $0.viewed?.call } }
        choices =
            [ContextChoices(population, cohort: nil, site: plan.site, pages: pages)]
            + population.cohorts.map {
                ContextChoices(population, cohort: $0, site: plan.site, pages: pages)
            }
        libraryMember = Self.encodeLibrary()
        var currency = JSONWriter(capacity: 32)
        currency.key(StandardField.currency.key)
        currency.string(plan.store.currency)
        currencyMember = currency.bytes
        let members = plan.catalog.map { product in
            Self.productMemberFields.map {
                Self.encode($0, of: product, decimals: plan.store.currencyDecimals)
            }
        }
        productMembers = EncodedBytes(members.flatMap { $0 })
        // `price` is the last field before the quantity.
        let quantityAt = Self.productMemberFields.firstIndex(of: .price)! + 1
        productRuns = EncodedBytes(
            members.flatMap { fields in
                [fields[..<quantityAt], fields[quantityAt...]].map { run in
                    Array(run.filter { !$0.isEmpty }.joined(separator: [UInt8(ascii: ",")]))
                }
            })
        var running = 0.0
        cumulativeWeights = plan.catalog.map {
            running += $0.weight; return running
        }
        funnelWeights = plan.funnels.map(\.weight)
        funnelKeys = plan.funnels.map { RandomStream.key($0.name) }
        sessionTimeout = plan.sessionTimeoutMillis
    }

    private static func encodeLibrary() -> [UInt8] {
        var writer = JSONWriter(capacity: 64)
        writer.key("library")
        writer.beginObject()
        writer.key("name")
        writer.string(Release.name)
        writer.key("version")
        writer.string(Release.version)
        writer.endObject()
        return writer.bytes
    }

    /// The mixes the context of a user in `cohort` is drawn from.
    func contextChoices(cohort: Int?) -> ContextChoices {
        choices[cohort.map { $0 + 1 } ?? 0]
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

    /// The member a product's field is written as, or `nil` when the product has no such
    /// field or the field is not one that stays the same. Valid while the catalog lives.
    func productMember(_ index: Int, _ field: StandardField) -> UnsafeBufferPointer<UInt8>? {
        let slot: Int
        switch field {
        case .productID: slot = 0
        case .sku: slot = 1
        case .category: slot = 2
        case .name: slot = 3
        case .brand: slot = 4
        case .variant: slot = 5
        case .price: slot = 6
        case .url: slot = 7
        case .imageURL: slot = 8
        default: return nil
        }
        let member = productMembers[index * Self.productMemberFields.count + slot]
        return member.isEmpty ? nil : member
    }

    /// A product's members from `product_id` to `price`, and after the quantity, each run
    /// joined with commas (the second empty when the product has neither a URL nor an image).
    /// Valid while the catalog lives.
    func productRun(_ index: Int) -> (
        beforeQuantity: UnsafeBufferPointer<UInt8>, afterQuantity: UnsafeBufferPointer<UInt8>
    ) {
        (productRuns[2 * index], productRuns[2 * index + 1])
    }

    private static func encode(_ field: StandardField, of product: Product, decimals: Int)
        -> [UInt8]
    {
        let text: String?
        switch field {
        case .productID: text = product.id
        case .sku: text = product.sku
        case .category: text = product.category
        case .name: text = product.name
        case .brand: text = product.brand
        case .variant: text = product.variant
        case .url: text = product.url
        case .imageURL: text = product.imageURL
        case .price:
            var writer = JSONWriter(capacity: 32)
            writer.key(field.key)
            writer.money(product.priceMinor, decimals: decimals)
            return writer.bytes
        default: text = nil
        }
        guard let text else { return [] }
        var writer = JSONWriter(capacity: 64 + text.utf8.count)
        writer.key(field.key)
        writer.string(text)
        return writer.bytes
    }

    func productIndex(id: String) -> Int? {
        products.firstIndex { $0.id == id }
    }

    /// A page title in the site's style: `Trail Runner | Example Shop`.
    static func siteTitle(_ name: String, site: Site) -> String {
        "\(name) | \(site.name)"
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

/// The mixes a user's context is drawn from, the population's or a cohort's own, split
/// into values and weights once rather than for every user.
final class ContextChoices: Sendable {
    let locales: [String]
    let localeWeights: [Double]
    /// The book of names and places of each locale, in the same order.
    let nameBooks: [NameBook]
    let timezones: [String]
    let timezoneWeights: [Double]
    let devices: [Device]
    let deviceWeights: [Double]
    let campaigns: [Campaign?]
    let campaignWeights: [Double]
    let platforms: [Platform]
    let platformWeights: [Double]
    /// The `locale` and `timezone` members of each choice, encoded once.
    let localeMembers: [[UInt8]]
    let timezoneMembers: [[UInt8]]
    /// For each campaign: the UTM query of its landing pages, its referrer as a JSON string,
    /// and, for each funnel step that views a page, that page when a visit lands on it.
    let campaignQueries: [String]
    let campaignReferrers: [[UInt8]]
    let landingPages: [[[SitePage?]]]

    /// - Parameter pages: the call of each funnel step that views a page or screen.
    init(_ population: Population, cohort: Cohort?, site: Site, pages: [[PageCall?]]) {
        let locales = cohort?.locales ?? population.locales
        self.locales = locales.map(\.value)
        localeWeights = locales.map(\.weight)
        nameBooks = locales.map { NameBook.book(for: $0.value) }
        let timezones = cohort?.timezones ?? population.timezones
        self.timezones = timezones.map(\.value)
        timezoneWeights = timezones.map(\.weight)
        let devices = cohort?.devices ?? population.devices
        self.devices = devices.map(\.value)
        deviceWeights = devices.map(\.weight)
        let campaigns = cohort?.campaigns ?? population.campaigns
        self.campaigns = campaigns.map(\.value)
        campaignWeights = campaigns.map(\.weight)
        let platforms = cohort?.platforms ?? population.platforms
        self.platforms = platforms.map(\.value)
        platformWeights = platforms.map(\.weight)
        localeMembers = self.locales.map { Self.member("locale", $0) }
        timezoneMembers = self.timezones.map { Self.member("timezone", $0) }
        campaignQueries = self.campaigns.map { $0.map(SitePage.utmQuery) ?? "" }
        campaignReferrers = self.campaigns.map { campaign in
            var writer = JSONWriter(capacity: 64)
            writer.string(campaign.map(Self.referrer) ?? "")
            return writer.bytes
        }
        landingPages = campaignQueries.map { query in
            pages.map { funnel in
                funnel.map { call in
                    call.map {
                        SitePage(path: $0.path, title: $0.title, site: site, search: query)
                    }
                }
            }
        }
    }

    /// The site a campaign's visitors come from, or none for email.
    private static func referrer(_ campaign: Campaign) -> String {
        campaign.medium == "email" ? "" : "https://www.\(Slug.make(campaign.source)).com/"
    }

    private static func member(_ key: StaticString, _ value: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 64)
        writer.key(key)
        writer.string(value)
        return writer.bytes
    }
}
