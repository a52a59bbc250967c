/// One user's path through their funnel, expanded into messages.
///
/// Each step draws from its own stream keyed by (seed, user, funnel, step), so the
/// events a user sends before a step never depend on that step or any after it.
struct Journey {
    private let catalog: PlannerCatalog
    private let profile: UserProfile
    private var plan: Plan { catalog.plan }

    /// The messages written so far; their JSON is a range of `writer`'s bytes until the end.
    private var events: [(event: TimelineEvent, range: Range<Int>)] = []
    /// One buffer for all of this user's messages, one after the other.
    private var writer = JSONWriter(capacity: 4096)
    /// The members of `context` that stay the same for the user, encoded once.
    private var userContext: [UInt8]?
    /// `anonymousId`, and `anonymousId` with `userId`, encoded once.
    private var anonymousMembers: [UInt8]?
    private var identifiedMembers: [UInt8]?
    private var campaignContext: [UInt8]?
    private var sequence: UInt64 = 0
    private var lastMillis: Int64?
    private var sessionId: Int64 = 0
    private var sessions = 0
    private var userId: String?
    private var page: PageView
    private var landing = true
    private var cart = Cart()
    private var cartId: String?
    private var lastProduct: Int?
    /// Products viewed, oldest first, for Product Added to choose from.
    private var viewed: [Int] = []
    private var lastAddedQuantity = 1
    private var orders: UInt64 = 0
    private var checkout: (orderId: String, checkoutId: String, amounts: OrderAmounts)?
    /// The steps this user converted to, in order, over all visits.
    private(set) var reached: [StepReference] = []
    /// Each visit's funnel and reached steps, the first visit first.
    private(set) var visits: [JourneyVisit] = []

    init(catalog: PlannerCatalog, profile: UserProfile) {
        self.catalog = catalog
        self.profile = profile
        page = PageView(
            path: "/", title: catalog.plan.site.name, site: catalog.plan.site, referrer: "")
    }

    /// Expands the journey of a user who arrives at `arrival`; events are in time order.
    mutating func run(arrival: Int64) -> [TimelineEvent] {
        var cursor = arrival
        if profile.identifiedOnArrival {
            userId = profile.userId
            cursor = emit(at: cursor, step: nil, type: "identify") { journey, writer in
                journey.writeIdentify(&writer, extra: JSONObject())
            }
        }
        cursor = walk(funnel: profile.funnelIndex, visit: 0, from: cursor)
        if let returning = plan.population.returning {
            var random = RandomStream(
                plan.seed, UInt64(profile.index), RandomStream.key("returning"))
            if random.chance(returning.share) {
                let end = plan.startMillis + plan.durationMillis
                for visit in 1...max(1, random.int(in: returning.visits)) {
                    let start = (lastMillis ?? cursor) + returning.after.sample(&random)
                    let funnel = random.index(weights: catalog.funnelWeights)
                    // Visits that would begin after the scenario ends are not made.
                    guard start < end else { break }
                    landing = true
                    cursor = walk(funnel: funnel, visit: visit, from: start)
                }
            }
        }
        let buffer = writer.bytes[...]
        return events.map { event, range in
            var event = event
            event.bytes = buffer[range]
            return event
        }
    }

    /// One visit: the walk through a funnel's steps from `start`; returns the last event's time.
    private mutating func walk(funnel funnelIndex: Int, visit: Int, from start: Int64) -> Int64 {
        var cursor = start
        let funnel = plan.funnels[funnelIndex]
        var arms: [Int: Int] = [:]
        var reachedNow: [StepReference] = []
        defer {
            visits.append(
                JourneyVisit(
                    user: profile.index, number: visit, funnel: funnelIndex, cohort: profile.cohort,
                    startMillis: start, reached: reachedNow))
        }
        for (index, step) in funnel.steps.enumerated() {
            if let position = step.branch {
                let arm =
                    arms[position.branch]
                    ?? catalog.arm(
                        user: profile.index, funnel: funnelIndex, branch: position.branch,
                        visit: visit)
                arms[position.branch] = arm
                guard arm == position.arm else { continue }
            }
            // The first visit keeps the keys that scenarios without returning users have.
            var random =
                visit == 0
                ? RandomStream(
                    plan.seed, UInt64(profile.index), catalog.funnelKeys[funnelIndex],
                    UInt64(index))
                : RandomStream(
                    plan.seed, UInt64(profile.index), catalog.funnelKeys[funnelIndex],
                    UInt64(index), RandomStream.key("visit"), UInt64(visit))
            guard random.chance(profile.rate(of: step)) else {
                if step.optional { continue }
                break
            }
            let reference = StepReference(funnel: funnelIndex, step: index)
            reached.append(reference)
            reachedNow.append(reference)
            for _ in 0..<random.int(in: step.repeats) {
                let wait = step.after.sample(&random)
                cursor = perform(step, at: cursor + wait, reference: reference, random: &random)
            }
        }
        return cursor
    }

    // MARK: Steps

    private mutating func perform(
        _ step: Step, at millis: Int64, reference: StepReference, random: inout RandomStream
    ) -> Int64 {
        switch step.call {
        case .page(let call):
            visit(path: call.path, title: call.title)
            return emit(at: millis, step: reference, type: "page", label: ("name", call.name)) {
                journey, writer in
                journey.writePage(&writer, call, properties: step.properties)
            }
        case .identify:
            userId = profile.userId
            return emit(at: millis, step: reference, type: "identify") { journey, writer in
                journey.writeIdentify(&writer, extra: step.properties)
            }
        case .track(let event, let role):
            prepare(role, step: step, random: &random)
            let time = emit(at: millis, step: reference, type: "track", label: ("event", event)) {
                journey, writer in
                journey.writeTrack(&writer, role: role, step: step)
            }
            if role == .order {
                cart = Cart()
                cartId = nil
                checkout = nil
            }
            return time
        }
    }

    /// Updates the cart and the current page before a track event is written.
    private mutating func prepare(_ role: EcommerceRole, step: Step, random: inout RandomStream) {
        switch role {
        case .plain:
            break
        case .product, .addToCart:
            let product = chooseProduct(step.product ?? .catalog, random: &random)
            lastProduct = product
            if role == .product { viewed.append(product) }
            let item = catalog.products[product]
            visit(path: catalog.productPaths[product], title: siteTitle(item.name))
            if role == .addToCart {
                if cartId == nil { cartId = makeId("cart") }
                lastAddedQuantity = random.int(in: step.quantity)
                cart.add(item, quantity: lastAddedQuantity)
                checkout = nil
            }
        case .cart:
            visit(path: "/cart", title: siteTitle("Cart"))
        case .checkout, .order:
            if checkout == nil {
                let coupon = chooseCoupon(&random)
                checkout = (
                    orderId: "ord_" + Identifiers.hex(nextRandom("order"), digits: 12),
                    checkoutId: makeId("checkout"),
                    amounts: cart.amounts(store: plan.store, coupon: coupon)
                )
            }
            visit(
                path: role == .order ? "/checkout/confirmation" : "/checkout",
                title: siteTitle(role == .order ? "Order Confirmation" : "Checkout"))
        }
    }

    private mutating func chooseProduct(_ source: ProductSource, random: inout RandomStream) -> Int
    {
        switch source {
        case .catalog: return catalog.pickProduct(&random)
        case .lastViewed:
            let inCart = Set(cart.lines.map(\.product.id))
            let candidate = viewed.last { !inCart.contains(catalog.products[$0].id) }
            return candidate ?? catalog.pickProduct(&random)
        case .fixed(let id): return catalog.productIndex(id: id) ?? catalog.pickProduct(&random)
        }
    }

    private func chooseCoupon(_ random: inout RandomStream) -> Coupon? {
        var draw = random.unit()
        for coupon in plan.store.coupons {
            if draw < coupon.share.fraction { return coupon }
            draw -= coupon.share.fraction
        }
        return nil
    }

    /// Moves the user to a page; the first page of a visit is a landing page. The first
    /// visit's landing page carries the campaign's UTM parameters; returning users come back
    /// directly.
    private mutating func visit(path: String, title: String) {
        if landing {
            landing = false
            let campaign = visits.isEmpty ? profile.campaign : nil
            page = PageView(
                path: path, title: title, site: plan.site,
                referrer: campaign.map(Self.referrer) ?? "", campaign: campaign)
        } else {
            page = PageView(path: path, title: title, site: plan.site, referrer: page.url)
        }
    }

    /// A page title in the site's style: `Trail Runner | Example Shop`.
    private func siteTitle(_ name: String) -> String {
        "\(name) | \(plan.site.name)"
    }

    private static func referrer(_ campaign: Campaign) -> String {
        campaign.medium == "email" ? "" : "https://www.\(Slug.make(campaign.source)).com/"
    }

    // MARK: Identifiers

    /// A draw from the user's stream of ids, numbered so that it does not depend on step draws.
    private mutating func nextRandom(_ purpose: String) -> UInt64 {
        orders += 1
        var random = RandomStream(
            plan.seed, UInt64(profile.index), RandomStream.key(purpose), orders)
        return random.next()
    }

    private mutating func makeId(_ purpose: String) -> String {
        orders += 1
        var random = RandomStream(
            plan.seed, UInt64(profile.index), RandomStream.key(purpose), orders)
        return Identifiers.uuid(&random)
    }

    // MARK: Messages

    /// Writes one message at `millis` (or just after the user's previous one, so that a
    /// user's events keep their order), and returns the time it was given.
    private mutating func emit(
        at millis: Int64, step: StepReference?, type: String,
        label: (key: String, value: String)? = nil,
        body: (inout Journey, inout JSONWriter) -> Void
    ) -> Int64 {
        let time = lastMillis.map { max(millis, $0 + 1) } ?? millis
        if lastMillis.map({ time - $0 > catalog.sessionTimeout }) ?? true {
            sessionId = time
            sessions += 1
        }
        lastMillis = time

        var random = RandomStream(
            plan.seed, UInt64(profile.index), Self.messageKey, sequence)
        sequence += 1
        let messageId = Identifiers.uuidBits(&random)

        var writer = self.writer
        self.writer = JSONWriter(capacity: 0)
        let start = writer.count
        writer.beginTopLevelValue()
        writer.beginObject()
        writer.key("type")
        writer.string(type)
        if let label {
            writer.key(label.key)
            writer.string(label.value)
        }
        writer.key("messageId")
        writer.plainString { Identifiers.appendUUID(messageId, to: &$0) }
        writer.key("timestamp")
        writer.timestamp(millis: time)
        if userId == nil {
            if anonymousMembers == nil { anonymousMembers = encodeIds(userId: nil) }
            writer.fragment(anonymousMembers ?? [])
        } else {
            if identifiedMembers == nil { identifiedMembers = encodeIds(userId: userId) }
            writer.fragment(identifiedMembers ?? [])
        }
        body(&self, &writer)
        writeContext(&writer)
        writer.endObject()
        events.append(
            (
                TimelineEvent(
                    millis: time, messageIdBits: messageId, bytes: [], user: profile.index,
                    step: step),
                start..<writer.count
            ))
        self.writer = writer
        return time
    }

    private func writePage(_ writer: inout JSONWriter, _ call: PageCall, properties: JSONObject) {
        writer.key("properties")
        writer.beginObject()
        if let category = call.category {
            writer.key("category")
            writer.string(category)
        }
        writer.key("name")
        writer.string(call.name)
        page.writeFields(&writer)
        writer.members(of: properties)
        writer.endObject()
    }

    private func writeIdentify(_ writer: inout JSONWriter, extra: JSONObject) {
        writer.key("traits")
        writer.beginObject()
        let identity = profile.identity
        for trait in plan.population.traits {
            switch trait {
            case .name:
                writer.key("firstName")
                writer.string(identity.firstName)
                writer.key("lastName")
                writer.string(identity.lastName)
                writer.key("name")
                writer.string("\(identity.firstName) \(identity.lastName)")
            case .email:
                writer.key("email")
                writer.string(identity.email)
            case .phone:
                writer.key("phone")
                writer.string(identity.phone)
            case .address:
                writer.key("address")
                writer.beginObject()
                writer.key("street")
                writer.string(identity.address.street)
                writer.key("city")
                writer.string(identity.address.city)
                if let state = identity.address.state {
                    writer.key("state")
                    writer.string(state)
                }
                writer.key("postalCode")
                writer.string(identity.address.postalCode)
                writer.key("country")
                writer.string(identity.address.country)
                writer.endObject()
            case .createdAt:
                writer.key("createdAt")
                writer.string(Timestamp.iso8601(millis: profile.createdAtMillis))
            }
        }
        writer.members(of: extra)
        writer.endObject()
    }

    private func writeTrack(_ writer: inout JSONWriter, role: EcommerceRole, step: Step) {
        writer.key("properties")
        writer.beginObject()
        let store = plan.store
        switch role {
        case .plain:
            break
        case .product, .addToCart:
            if role == .addToCart, let cartId {
                writer.key("cart_id")
                writer.string(cartId)
            }
            if let lastProduct {
                let quantity = role == .addToCart ? lastAddedQuantity : 1
                writeProduct(&writer, catalog.products[lastProduct], quantity: quantity)
                writer.key("currency")
                writer.string(store.currency)
                if role == .product {
                    writer.key("value")
                    writer.money(
                        catalog.products[lastProduct].priceMinor, decimals: store.currencyDecimals)
                }
            }
        case .cart:
            if let cartId {
                writer.key("cart_id")
                writer.string(cartId)
            }
            writeProducts(&writer)
        case .checkout, .order:
            if let checkout {
                writeOrder(&writer, checkout, completed: role == .order)
            }
        }
        writer.members(of: step.properties)
        writer.endObject()
    }

    private func writeProduct(_ writer: inout JSONWriter, _ product: Product, quantity: Int) {
        catalog.fields(of: product).write(&writer, quantity: quantity)
    }

    private func writeProducts(_ writer: inout JSONWriter) {
        writer.key("products")
        writer.beginArray()
        for (position, line) in cart.lines.enumerated() {
            writer.beginObject()
            writeProduct(&writer, line.product, quantity: line.quantity)
            writer.key("position")
            writer.int(Int64(position + 1))
            writer.endObject()
        }
        writer.endArray()
    }

    private func writeOrder(
        _ writer: inout JSONWriter,
        _ order: (orderId: String, checkoutId: String, amounts: OrderAmounts),
        completed: Bool
    ) {
        let decimals = plan.store.currencyDecimals
        let amounts = order.amounts
        if completed {
            writer.key("checkout_id")
            writer.string(order.checkoutId)
        }
        writer.key("order_id")
        writer.string(order.orderId)
        writer.key("affiliation")
        writer.string(plan.site.name)
        if completed {
            writer.key("subtotal")
            writer.money(amounts.subtotal, decimals: decimals)
            writer.key("total")
            writer.money(amounts.total, decimals: decimals)
        } else {
            writer.key("value")
            writer.money(amounts.subtotal, decimals: decimals)
        }
        writer.key("revenue")
        writer.money(amounts.revenue, decimals: decimals)
        writer.key("shipping")
        writer.money(amounts.shipping, decimals: decimals)
        writer.key("tax")
        writer.money(amounts.tax, decimals: decimals)
        writer.key("discount")
        writer.money(amounts.discount, decimals: decimals)
        if let coupon = amounts.coupon {
            writer.key("coupon")
            writer.string(coupon)
        }
        writer.key("currency")
        writer.string(plan.store.currency)
        writeProducts(&writer)
    }

    private mutating func writeContext(_ writer: inout JSONWriter) {
        writer.key("context")
        writer.beginObject()
        if userContext == nil { userContext = encodeUserContext() }
        writer.fragment(userContext ?? [])
        writer.key("page")
        writer.beginObject()
        page.writeFields(&writer)
        writer.endObject()
        // The campaign a user landed from is their first session's attribution.
        if sessions == 1, let campaign = profile.campaign {
            if campaignContext == nil { campaignContext = Self.encodeCampaign(campaign) }
            writer.fragment(campaignContext ?? [])
        }
        writer.key("sessionId")
        writer.int(sessionId)
        writer.endObject()
    }

    private static let messageKey = RandomStream.key("message")

    private func encodeIds(userId: String?) -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.key("anonymousId")
        writer.string(profile.anonymousId)
        if let userId {
            writer.key("userId")
            writer.string(userId)
        }
        return writer.bytes
    }

    /// `library`, `ip`, `locale`, `timezone` and `userAgent`: the same in every message.
    private func encodeUserContext() -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.key("library")
        writer.beginObject()
        writer.key("name")
        writer.string(Release.name)
        writer.key("version")
        writer.string(Release.version)
        writer.endObject()
        writer.key("ip")
        writer.string(profile.ip)
        writer.key("locale")
        writer.string(profile.locale)
        writer.key("timezone")
        writer.string(profile.timezone)
        writer.key("userAgent")
        writer.string(profile.userAgent)
        return writer.bytes
    }

    private static func encodeCampaign(_ campaign: Campaign) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.key("campaign")
        writer.beginObject()
        writer.key("name")
        writer.string(campaign.name)
        writer.key("source")
        writer.string(campaign.source)
        writer.key("medium")
        writer.string(campaign.medium)
        if let term = campaign.term {
            writer.key("term")
            writer.string(term)
        }
        if let content = campaign.content {
            writer.key("content")
            writer.string(content)
        }
        writer.endObject()
        return writer.bytes
    }
}
