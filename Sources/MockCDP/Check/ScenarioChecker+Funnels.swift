extension ScenarioChecker {
    static let callKeys = ["page", "screen", "track", "identify", "group", "alias"]
    /// `branch` is here for "did you mean": an item holding it is read as a branch instead.
    static let stepKeys =
        callKeys + [
            "rate", "after", "repeat", "optional", "branch", "properties", "product", "quantity",
            "path",
            "title",
            "category",
        ]

    /// Event names of the Segment e-commerce spec v2, for "did you mean" on custom names.
    static let specEvents = EcommerceSpec.names

    mutating func readFunnels(
        _ node: YAMLNode, site: Site, catalog: [Product], hasCatalog: Bool, duration: Int64?,
        storeHasCoupons: Bool = false
    ) -> [Funnel]? {
        guard case .mapping(let pairs) = node.content, !pairs.isEmpty else {
            error(
                node, "funnels must map each funnel's name to its steps",
                hint: "for example funnels: { purchase: [ {page: Home}, {track: Product Viewed} ] }"
            )
            return nil
        }
        var funnels: [Funnel] = []
        for pair in pairs {
            guard let name = string(pair.key, "funnel name") else { continue }
            var weight = 1.0
            var stepsNode = pair.value
            if case .mapping = pair.value.content {
                guard
                    let fields = fields(
                        pair.value, of: "funnel '\(name)'", keys: ["weight", "steps"]),
                    let steps = require(fields, "steps", of: "funnel '\(name)'")
                else { continue }
                stepsNode = steps
                if let weightNode = fields["weight"],
                    let value = self.weight(weightNode, "funnel weight")
                {
                    weight = value
                }
            }
            guard let items = list(stepsNode, "funnel '\(name)'") else { continue }
            guard !items.isEmpty else {
                error(stepsNode, "funnel '\(name)' has no steps")
                continue
            }
            var reading = FunnelReading(
                site: site, catalog: catalog, hasCatalog: hasCatalog,
                storeHasCoupons: storeHasCoupons)
            var state = FunnelReading.State()
            readSequence(items, state: &state, into: &reading, branch: nil, duration: duration)
            funnels.append(
                Funnel(
                    name: name, weight: weight, steps: reading.steps,
                    branches: reading.branches))
        }
        if funnels.count == pairs.count, !funnels.contains(where: { $0.weight > 0 }) {
            error(
                node, "every funnel has a weight of zero",
                hint: "give at least one funnel a weight above zero")
        }
        return funnels.count == pairs.count ? funnels : nil
    }

    /// Reads a list of steps, and branches when not already inside one.
    private mutating func readSequence(
        _ items: [YAMLNode], state: inout FunnelReading.State, into reading: inout FunnelReading,
        branch: BranchPosition?, duration: Int64?
    ) {
        for item in items {
            if let branchNode = item["branch"]?.value {
                readBranch(
                    item, branchNode, state: &state, into: &reading, inside: branch,
                    duration: duration)
                state.first = false
                continue
            }
            defer { state.first = false }
            guard
                var step = readStep(
                    item, first: state.first, site: reading.site, catalog: reading.catalog,
                    hasCatalog: reading.hasCatalog)
            else {
                // Its error is reported; what it would have done is unknown, so the checks
                // that look back would only add false alarms.
                state.unreadable = true
                continue
            }
            step.branch = branch
            if let duration, let longest = step.after.maximum, longest > duration,
                let afterNode = item["after"]?.value
            {
                warning(
                    afterNode, "this delay can be longer than the whole scenario",
                    hint: "events after the end of the duration are still written")
            }
            if case .track(_, let role) = step.call {
                checkOrdering(role, of: step, at: item, state: &state, reading: reading)
            }
            if let blocker = state.unreachableFrom {
                warning(
                    item, "no user can reach this step: an earlier step has a rate of 0%",
                    hint: blocker.file == item.location.file
                        ? "see line \(blocker.line)" : "see \(blocker)")
            } else if step.rate.fraction == 0 {
                warning(
                    item, "no user converts to this step: its rate is 0%",
                    hint: step.optional ? "every user skips it" : nil)
                if !step.optional { state.unreachableFrom = step.location }
            }
            reading.steps.append(step)
        }
    }

    /// `branch: [{weight: 60%, steps: [...]}, ...]`: each user takes one arm, by weight.
    private mutating func readBranch(
        _ item: YAMLNode, _ node: YAMLNode, state: inout FunnelReading.State,
        into reading: inout FunnelReading, inside: BranchPosition?, duration: Int64?
    ) {
        guard fields(item, of: "a branch", keys: ["branch"]) != nil else { return }
        guard inside == nil else {
            error(
                item, "a branch cannot sit inside another branch",
                hint: "write the inner choice as a branch after this one, or as a separate funnel")
            return
        }
        guard let arms = list(node, "branch"), !arms.isEmpty else {
            if node.sequence != nil {
                error(node, "a branch needs at least one arm: {weight: 50%, steps: [...]}")
            }
            return
        }
        let number = reading.branches.count
        reading.branches.append([])
        var weights: [Double] = []
        var after: [FunnelReading.State] = []
        for (index, arm) in arms.enumerated() {
            guard let fields = fields(arm, of: "a branch arm", keys: ["weight", "steps"]) else {
                continue
            }
            let weight = require(fields, "weight", of: "a branch arm").flatMap {
                parse($0, "branch weight", ValueGrammar.rate)
            }
            let steps = require(fields, "steps", of: "a branch arm").flatMap {
                list($0, "the steps of a branch arm")
            }
            guard let weight, let steps else { continue }
            weights.append(weight.fraction)
            var armState = state
            readSequence(
                steps, state: &armState, into: &reading,
                branch: BranchPosition(branch: number, arm: index), duration: duration)
            after.append(armState)
        }
        reading.branches[number] = weights
        guard weights.count == arms.count else { return }
        let total = weights.reduce(0, +)
        if abs(total - 1) > 1e-9 {
            error(
                node,
                "the weights of a branch add up to \(Rate(total)); they must add up to 100%",
                hint: "each weight is the share of users taking that arm; "
                    + "an arm with 'steps: []' lets the rest skip the branch")
        }
        // After the branch, what holds for every arm holds.
        state.cartFilled = after.allSatisfy(\.cartFilled)
        state.cartMaybeFilled = after.contains(where: \.cartMaybeFilled)
        state.ordered = after.allSatisfy(\.ordered)
        state.wishlisted = after.allSatisfy(\.wishlisted)
        state.unreadable = state.unreadable || after.contains(where: \.unreadable)
        if state.unreachableFrom == nil, after.allSatisfy({ $0.unreachableFrom != nil }) {
            state.unreachableFrom = after.last?.unreachableFrom
        }
    }

    private mutating func readStep(
        _ node: YAMLNode, first: Bool, site: Site, catalog: [Product], hasCatalog: Bool
    ) -> Step? {
        guard let fields = fields(node, of: "a step", keys: Self.stepKeys) else { return nil }
        let calls = Self.callKeys.filter { fields[$0] != nil }
        guard calls.count == 1, let callKey = calls.first, let callNode = fields[callKey] else {
            if calls.isEmpty {
                error(
                    node, "a step needs one call: page, screen, track, identify, group or alias",
                    hint: "for example '- track: Product Viewed'")
            } else {
                error(
                    fields.keys[calls[1]] ?? node,
                    "a step has one call; this one has \(calls.joined(separator: " and "))",
                    hint: "split it into two steps")
            }
            return nil
        }

        let call: Call?
        switch callKey {
        case "page": call = readPage(callNode, fields, site: site)
        case "screen": call = string(callNode, "screen name").map { .screen(name: $0) }
        case "track": call = readTrack(callNode)
        case "group": call = .group
        case "alias":
            call = .alias
            if !callNode.isNull {
                error(
                    callNode, "alias takes nothing: it ties the anonymousId to the user's userId",
                    hint: "write 'alias:' alone")
            }
        default: call = .identify
        }
        for key in ["path", "title", "category"] where callKey != "page" {
            if let keyNode = fields.keys[key] {
                error(
                    keyNode, "'\(key)' belongs to page steps",
                    hint: "remove it or make this a page step")
            }
        }

        let rate = fields["rate"].map { parse($0, "rate", ValueGrammar.rate) } ?? Rate.always
        var optional = false
        if let optionalNode = fields["optional"] {
            if case .bool(let flag)? = scalar(optionalNode, "optional")?.value {
                optional = flag
            } else {
                error(optionalNode, "optional must be true or false")
            }
        }
        let defaultDelay = first ? Delay.zero : Delay(.uniform(1000, 30_000))
        let after = fields["after"].map { parse($0, "after", ValueGrammar.delay) } ?? defaultDelay
        let repeats =
            fields["repeat"].map { parse($0, "repeat", ValueGrammar.intRange) } ?? IntRange.one
        let quantity =
            fields["quantity"].map { parse($0, "quantity", ValueGrammar.intRange) } ?? IntRange.one
        var properties =
            fields["properties"].flatMap { literalObject($0, "properties") } ?? JSONObject()
        let takesTraits = callKey == "identify" || callKey == "group"
        let isMapping = if case .mapping = callNode.content { true } else { false }
        if takesTraits, !isMapping, !callNode.isNull {
            error(
                callNode, "\(callKey) takes extra traits as a mapping, or nothing",
                hint: "write '\(callKey):' alone, or '\(callKey): { plan: pro }'")
        } else if takesTraits, case .mapping = callNode.content {
            properties = literalObject(callNode, "\(callKey) traits") ?? JSONObject()
        } else if takesTraits || callKey == "alias", let propertiesNode = fields.keys["properties"]
        {
            error(
                propertiesNode, "\(callKey) steps carry no properties",
                hint: callKey == "alias"
                    ? "remove them" : "write traits as the value of \(callKey): { plan: pro }")
        }
        if let call {
            let computed = Self.computedKeys(of: call)
            for member in properties.members where computed.contains(member.key) {
                error(
                    fields["properties"] ?? callNode,
                    "'\(member.key)' is computed for \(call.label); a literal value would repeat it",
                    hint: "remove it, or use a property name of your own")
            }
            if case .track(let event, _) = call {
                checkLiteralTypes(properties, of: event, at: fields["properties"] ?? callNode)
            }
        }

        var product: ProductSource?
        if case .track(_, let role) = call, role.choosesProduct {
            guard !catalog.isEmpty else {
                // A written catalog whose products all failed has been reported already.
                if hasCatalog { return nil }
                error(
                    callNode,
                    "\(call?.label ?? "this event") needs products, but the scenario has no catalog",
                    hint: "add catalog.products")
                return nil
            }
            product = role == .product ? .catalog : .lastViewed
            if let productNode = fields["product"] {
                product = readProductSource(productNode, catalog: catalog)
            }
        } else if let productNode = fields.keys["product"] {
            error(
                productNode,
                "'product' belongs to product events such as Product Viewed and Product Added",
                hint: "product events: "
                    + EcommerceSpec.events.filter(\.role.choosesProduct).map(\.name)
                    .joined(separator: ", "))
        }
        let addsToCart = if case .track(_, .addToCart)? = call { true } else { false }
        if let quantityNode = fields.keys["quantity"], !addsToCart {
            error(quantityNode, "'quantity' belongs to Product Added steps")
        }
        if let quantity, quantity.lower == 0, let node = fields["quantity"] {
            error(node, "quantity must be at least 1")
        }

        guard let call, let rate, let after, let repeats, let quantity
        else { return nil }
        return Step(
            call: call, rate: rate, after: after, repeats: repeats, properties: properties,
            product: product, quantity: quantity, optional: optional, branch: nil,
            location: node.location)
    }

    /// The property (or trait) names a call fills in itself.
    static func computedKeys(of call: Call) -> Set<String> {
        switch call {
        case .page: return ["name", "category", "path", "referrer", "search", "title", "url"]
        case .screen: return ["name"]
        case .identify:
            return [
                "firstName", "lastName", "name", "email", "phone", "address", "createdAt",
                "username", "birthday",
            ]
        case .group: return Set(CompanyBook.traitNames)
        case .alias: return []
        case .track(let event, _):
            // Free properties (a search query, a review's text) may be given literally.
            let properties = EcommerceSpec.event(named: event)?.properties ?? []
            return Set(properties.filter { !$0.free }.map(\.name))
        }
    }

    /// Literal properties with a standard name must have the spec's type, so that what
    /// `generate` writes passes `mockcdp lint`: `price: "9.99"` or `rating: 5` is refused.
    private mutating func checkLiteralTypes(
        _ properties: JSONObject, of event: String, at node: YAMLNode
    ) {
        let types = EcommerceSpec.propertyTypes(of: event)
        for member in properties.members {
            guard let type = types[member.key], !Self.literal(member.value, is: type) else {
                continue
            }
            error(
                node, "'\(member.key)' of \(event) must be \(Self.describe(type))",
                hint: "Segment's e-commerce spec gives '\(member.key)' that type")
        }
    }

    private static func literal(_ value: JSONValue, is type: SpecType) -> Bool {
        switch (type, value) {
        case (_, .null), (.string, .string), (.number, .int), (.number, .double),
            (.integer, .int):
            return true
        case (.products, .array(let items)), (.objects, .array(let items)):
            return items.allSatisfy { if case .object = $0 { true } else { false } }
        default:
            return false
        }
    }

    private static func describe(_ type: SpecType) -> String {
        switch type {
        case .string: "text"
        case .number: "a number"
        case .integer: "a whole number"
        case .products, .objects: "a list of mappings"
        }
    }

    /// Checks that a shopping event comes after the steps that give it something to describe.
    private mutating func checkOrdering(
        _ role: EcommerceRole, of step: Step, at item: YAMLNode,
        state: inout FunnelReading.State, reading: FunnelReading
    ) {
        guard !state.unreadable else { return }
        let label = step.call.label
        if role.needsCart, !state.cartFilled {
            error(
                item, "\(label) needs a cart, but no Product Added step comes before it",
                hint: "add a 'track: Product Added' step earlier in the funnel"
                    + (state.cartMaybeFilled
                        ? "; one that every user takes, not optional or in one arm" : ""))
        }
        if role.needsOrder, !state.ordered {
            error(
                item,
                "\(label) refers to an earlier order, but no Order Completed step comes before it",
                hint: "add a 'track: Order Completed' step earlier in the funnel")
        }
        if role.needsWishlist, !state.wishlisted {
            error(
                item,
                "\(label) needs a wishlist, but no Product Added to Wishlist step comes before it",
                hint: "add a 'track: Product Added to Wishlist' step earlier in the funnel")
        }
        if role.needsCoupons, !reading.storeHasCoupons {
            error(
                item, "\(label) needs a coupon, but the store has none",
                hint: "add store.coupons, e.g. - { code: SPRING10, off: 10%, share: 0% }")
        }
        // An optional step may be skipped, so only a step every user takes counts as done.
        if role.fillsCart {
            state.cartMaybeFilled = true
            if !step.optional { state.cartFilled = true }
        }
        if role == .wishlistAdd, !step.optional { state.wishlisted = true }
        if role == .order {
            state.cartFilled = false
            state.cartMaybeFilled = false
            if !step.optional { state.ordered = true }
            if step.repeats.upper > 1, let repeatNode = item["repeat"]?.value {
                error(
                    repeatNode, "an order cannot repeat: the cart is empty after it",
                    hint: "add another Product Added step before a second order")
            }
        }
    }

    private mutating func readPage(_ node: YAMLNode, _ fields: Fields, site: Site) -> Call? {
        guard let name = string(node, "page name") else { return nil }
        let path =
            fields["path"].flatMap { string($0, "path") }
            ?? (name == "Home" ? "/" : "/" + Slug.make(name))
        guard path.hasPrefix("/") else {
            error(fields["path"] ?? node, "path must start with '/'; got '\(path)'")
            return nil
        }
        let title = fields["title"].flatMap { string($0, "title") } ?? "\(name) | \(site.name)"
        let category = fields["category"].flatMap { string($0, "category") }
        return .page(PageCall(name: name, path: path, title: title, category: category))
    }

    private mutating func readTrack(_ node: YAMLNode) -> Call? {
        guard let event = string(node, "event name") else { return nil }
        if !Self.specEvents.contains(event),
            let suggestion = Suggestions.closest(to: event, in: Self.specEvents)
        {
            warning(
                node, "'\(event)' is not an event of the e-commerce spec",
                hint: "did you mean '\(suggestion)'? spec events get their properties filled in")
        }
        return .track(event: event, role: EcommerceRole(event: event))
    }

    private mutating func readProductSource(_ node: YAMLNode, catalog: [Product]) -> ProductSource?
    {
        guard let text = string(node, "product") else { return nil }
        switch text {
        case "catalog": return .catalog
        case "viewed": return .lastViewed
        default:
            guard catalog.contains(where: { $0.id == text }) else {
                error(
                    node, "no product with id '\(text)' in the catalog",
                    hint: Suggestions.closest(to: text, in: catalog.map(\.id)).map {
                        "did you mean '\($0)'?"
                    }
                        ?? "use 'catalog' for a weighted pick, 'viewed' for the last viewed product, or an id"
                )
                return nil
            }
            return .fixed(id: text)
        }
    }

    /// Literal JSON from YAML, for step properties; parameters are substituted in scalars.
    mutating func literalObject(_ node: YAMLNode, _ what: String) -> JSONObject? {
        guard case .object(let object)? = literal(node, what) else {
            if case .mapping = node.content { return nil }
            error(node, "\(what) must be a mapping; got \(node.kindName)")
            return nil
        }
        return object
    }

    private mutating func literal(_ node: YAMLNode, _ what: String) -> JSONValue? {
        switch node.content {
        case .scalar:
            guard let (_, value) = scalar(node, what) else { return nil }
            switch value {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .int(let number): return .int(Int64(number))
            case .float(let number):
                guard number.isFinite else {
                    error(node, "\(what): JSON has no infinite or NaN numbers")
                    return nil
                }
                return .double(number)
            case .string(let text): return .string(text)
            }
        case .sequence(let items):
            let values = items.compactMap { literal($0, what) }
            return values.count == items.count ? .array(values) : nil
        case .mapping(let pairs):
            var members: [(key: String, value: JSONValue)] = []
            for pair in pairs {
                guard let key = string(pair.key, "property name"),
                    let value = literal(pair.value, key)
                else { return nil }
                members.append((key, value))
            }
            return .object(JSONObject(members))
        }
    }
}

/// What reading one funnel's steps has gathered so far.
struct FunnelReading {
    let site: Site
    let catalog: [Product]
    let hasCatalog: Bool
    /// Whether `store.coupons` lists any, for the coupon events.
    var storeHasCoupons = false
    var steps: [Step] = []
    var branches: [[Double]] = []

    /// What is known at a point of the funnel, for the checks that look back.
    struct State {
        var first = true
        /// Every user who gets here has something in the cart.
        var cartFilled = false
        /// Some users who get here have something in the cart.
        var cartMaybeFilled = false
        /// Every user who gets here has completed an order.
        var ordered = false
        /// Every user who gets here has put a product on their wishlist.
        var wishlisted = false
        /// The step with a rate of 0% that stops every user before this point.
        var unreachableFrom: SourceLocation?
        /// An earlier step could not be read, so what users have by now is unknown.
        var unreadable = false
    }
}
