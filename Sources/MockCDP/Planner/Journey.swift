/// One user's path through their funnel, expanded into messages.
///
/// Each step draws from its own stream keyed by (seed, user, funnel, step), so the
/// events a user sends before a step never depend on that step or any after it.
struct Journey {
    private let catalog: PlannerCatalog
    private let profile: UserProfile

    /// The messages written so far, and the buffer their JSON is written to.
    private var buffers: JourneyBuffers
    /// Whether to keep the visit expanded, for reports.
    private let recordsVisits: Bool
    /// Where members that stay the same for the user were first written in the buffer, to
    /// be copied from there into later messages: `library` to `userAgent` of `context`,
    /// the campaign, `anonymousId`, and `anonymousId` with `userId`.
    private var userContext: Range<Int>?
    private var campaignContext: Range<Int>?
    private var anonymousMembers: Range<Int>?
    private var identifiedMembers: Range<Int>?
    private var sequence: UInt64 = 0
    private var lastMillis: Int64?
    private var sessionId: Int64 = 0
    private var sessions = 0
    /// Where the `sessionId` member of the current session was first written in the buffer.
    private var sessionMember: (id: Int64, range: Range<Int>)?
    /// Whether the user has signed in, so that messages carry their `userId`.
    private var signedIn = false
    private var page: PageView
    private var landing = true
    /// The visit being walked: 0 for the arrival, then 1, 2… for returns.
    private var visitNumber = 0
    /// The visit whose messages `run` returns; the visits before it are walked again only
    /// to bring the user's state (cart, orders, sign-in, session, page) to where it was.
    private var expandedVisit = 0
    private var shopping: Shopping
    /// The app's name, version and bundle id, for users who shop in the app.
    private let appIdentity: AppIdentity?
    /// The expanded visit's funnel and reached steps (when recording visits).
    private(set) var visit: JourneyVisit?

    /// - Parameters:
    ///   - buffers: buffers to write into, emptied first; `takeBuffers()` hands them back.
    ///   - recordsVisits: whether to keep `visit`.
    init(
        catalog: PlannerCatalog, profile: UserProfile, buffers: JourneyBuffers = JourneyBuffers(),
        recordsVisits: Bool = true
    ) {
        self.catalog = catalog
        self.profile = profile
        self.buffers = buffers
        self.buffers.empty()
        self.recordsVisits = recordsVisits
        shopping = Shopping(catalog: catalog, user: profile.index)
        appIdentity = profile.platform.isApp ? AppIdentity(site: catalog.plan.site) : nil
        page = PageView(page: catalog.startPage, referrer: PageView.noReferrer)
    }

    /// Hands the buffers back for the next user's journey, leaving this one without them.
    mutating func takeBuffers() -> JourneyBuffers {
        let taken = buffers
        buffers = .none
        return taken
    }

    /// Expands one visit of the user who arrives at `arrival`: 0 for the arrival itself (with
    /// the identify call of a signed-in arrival), 1, 2… for a returning user's later visits.
    ///
    /// A visit carries on from what the user did before it (their cart and orders, sign-in,
    /// session and page), so the visits before it are walked again and their messages dropped:
    /// a user waiting days to return costs a few numbers rather than their messages.
    ///
    /// - Returns: the visit's messages in time order, and when the user's next visit begins,
    ///   if they make one before the scenario ends.
    mutating func run(
        arrival: Int64, visit expanded: Int = 0
    ) -> (events: [TimelineEvent], nextVisit: Int64?) {
        expandedVisit = expanded
        var cursor = arrival
        if profile.identifiedOnArrival {
            signedIn = true
            cursor = emit(at: cursor, step: nil, header: PlannedStep.arrivalIdentifyHeader) {
                journey, writer in
                journey.writeIdentify(&writer, extra: JSONObject())
            }
        }
        cursor = walk(funnel: profile.funnelIndex, visit: 0, from: cursor)
        var firstMessage = 0
        var nextVisit: Int64?
        if let returning = catalog.plan.population.returning {
            var random = RandomStream(catalog.plan.seed, UInt64(profile.index), Self.returningKey)
            if random.chance(returning.share) {
                let end = catalog.plan.startMillis + catalog.plan.durationMillis
                for visit in 1...max(1, random.int(in: returning.visits)) {
                    let start = (lastMillis ?? cursor) + returning.after.sample(&random)
                    let funnel = random.index(weights: catalog.funnelWeights)
                    // Visits that would begin after the scenario ends are not made.
                    guard start < end else { break }
                    guard visit <= expanded else {
                        nextVisit = start
                        break
                    }
                    firstMessage = buffers.events.count
                    landing = true
                    cursor = walk(funnel: funnel, visit: visit, from: start)
                }
            }
        }
        let buffer = buffers.writer.bytes[...]
        let events = buffers.events[firstMessage...].map { message in
            TimelineEvent(
                millis: message.millis, messageIdBits: message.messageIdBits,
                bytes: buffer[message.range], user: profile.index, step: message.step)
        }
        return (events, nextVisit)
    }

    private static let returningKey = RandomStream.key("returning")

    /// One visit: the walk through a funnel's steps from `start`; returns the last event's time.
    private mutating func walk(funnel funnelIndex: Int, visit: Int, from start: Int64) -> Int64 {
        var cursor = start
        visitNumber = visit
        var arms: [Int: Int] = [:]
        var reachedNow: [StepReference] = []
        let messagesBefore = buffers.events.count
        defer {
            if recordsVisits, visit == expandedVisit {
                self.visit = JourneyVisit(
                    user: profile.index, number: visit, funnel: funnelIndex,
                    cohort: profile.cohort, startMillis: start, reached: reachedNow,
                    messages: buffers.events.count - messagesBefore)
            }
        }
        for planned in catalog.funnelSteps[funnelIndex] {
            if let position = planned.step.branch {
                let arm =
                    arms[position.branch]
                    ?? catalog.arm(
                        user: profile.index, funnel: funnelIndex, branch: position.branch,
                        visit: visit)
                arms[position.branch] = arm
                guard arm == position.arm else { continue }
            }
            let index = UInt64(planned.reference.step)
            // The first visit keeps the keys that scenarios without returning users have.
            var random =
                visit == 0
                ? RandomStream(
                    catalog.plan.seed, UInt64(profile.index), catalog.funnelKeys[funnelIndex],
                    index)
                : RandomStream(
                    catalog.plan.seed, UInt64(profile.index), catalog.funnelKeys[funnelIndex],
                    index, Self.visitKey, UInt64(visit))
            guard random.chance(profile.rate(of: planned.step)) else {
                if planned.step.optional { continue }
                break
            }
            // A user whose cart (or wishlist) is empty has nothing left to check out.
            if planned.kind == .track, !shopping.canPerform(planned.role) {
                if planned.step.optional { continue }
                break
            }
            if recordsVisits { reachedNow.append(planned.reference) }
            for _ in 0..<random.int(in: planned.step.repeats) {
                let wait = planned.step.after.sample(&random)
                cursor = perform(planned, at: cursor + wait, random: &random)
            }
        }
        return cursor
    }

    private static let visitKey = RandomStream.key("visit")

    // MARK: Steps

    private mutating func perform(
        _ planned: PlannedStep, at millis: Int64, random: inout RandomStream
    ) -> Int64 {
        let reference = planned.reference
        switch planned.kind {
        case .view:
            return view(planned, at: millis)
        case .group:
            return emit(at: millis, step: reference, header: planned.header) { journey, writer in
                journey.writeGroup(&writer, extra: planned.step.properties)
            }
        case .alias:
            signedIn = true
            return emit(at: millis, step: reference, header: planned.header) { journey, writer in
                writer.key("previousId")
                journey.profile.writeAnonymousId(&writer)
            }
        case .identify:
            signedIn = true
            return emit(at: millis, step: reference, header: planned.header) { journey, writer in
                journey.writeIdentify(&writer, extra: planned.step.properties)
            }
        case .track:
            let spec = planned.spec
            switch spec.flatMap({ shopping.prepare($0, step: planned.step, random: &random) }) {
            case .product(let index):
                visit(
                    path: catalog.productPaths[index], title: catalog.productTitles[index],
                    page: catalog.productPages[index])
            case .page(let path, let name):
                visit(path: path, title: siteTitle(name))
            case nil: break
            }
            let time = emit(at: millis, step: reference, header: planned.header) {
                journey, writer in
                journey.writeTrack(&writer, planned)
            }
            shopping.finish(planned.role)
            return time
        }
    }

    /// A page view: a page call on the web, a screen call of the same name in the app.
    private mutating func view(_ planned: PlannedStep, at millis: Int64) -> Int64 {
        guard let (call, page) = planned.viewed else { return millis }
        visit(path: call.path, title: call.title, page: page, step: planned.reference)
        guard profile.platform.isApp else {
            return emit(at: millis, step: planned.reference, header: planned.header) {
                journey, writer in
                journey.writePage(&writer, call, properties: planned.step.properties)
            }
        }
        return emit(at: millis, step: planned.reference, header: planned.appHeader) {
            _, writer in
            writer.key("properties")
            writer.beginObject()
            writer.key("name")
            writer.string(call.name)
            writer.members(of: planned.step.properties)
            writer.endObject()
        }
    }

    /// Moves the user to a page; the first page of a visit is a landing page. The first
    /// visit's landing page carries the campaign's UTM parameters; returning users come back
    /// directly.
    /// - Parameter page: the page at `path`, when it was encoded before.
    /// - Parameters:
    ///   - page: the page at `path`, when it was encoded before.
    ///   - step: the page or screen step that views it, whose landing pages were encoded
    ///     before.
    private mutating func visit(
        path: String, title: String, page known: SitePage? = nil, step: StepReference? = nil
    ) {
        if landing {
            landing = false
            if visitNumber == 0, profile.hasCampaign {
                let choices = profile.choices
                let campaign = profile.campaignIndex
                page = PageView(
                    page: step.flatMap { choices.landingPages[campaign][$0.funnel][$0.step] }
                        ?? SitePage(
                            path: path, title: title, site: catalog.plan.site,
                            search: choices.campaignQueries[campaign]),
                    referrer: choices.campaignReferrers[campaign])
                return
            }
            page = PageView(
                page: known ?? SitePage(path: path, title: title, site: catalog.plan.site),
                referrer: PageView.noReferrer)
        } else {
            page = PageView(
                page: known ?? SitePage(path: path, title: title, site: catalog.plan.site),
                referrer: page.page.url)
        }
    }

    /// A page title in the site's style: `Trail Runner | Example Shop`.
    private func siteTitle(_ name: String) -> String {
        PlannerCatalog.siteTitle(name, site: catalog.plan.site)
    }

    // MARK: Messages

    /// Writes one message at `millis` (or just after the user's previous one, so that a
    /// user's events keep their order), and returns the time it was given.
    /// - Parameter header: the message's first members, `type` and the event or page name,
    ///   as the catalog encoded them.
    private mutating func emit(
        at millis: Int64, step: StepReference?, header: [UInt8],
        body: (inout Journey, inout JSONWriter) -> Void
    ) -> Int64 {
        let time = lastMillis.map { max(millis, $0 + 1) } ?? millis
        if lastMillis.map({ time - $0 > catalog.sessionTimeout }) ?? true {
            sessionId = time
            sessions += 1
        }
        lastMillis = time

        var random = RandomStream(
            catalog.plan.seed, UInt64(profile.index), Self.messageKey, sequence)
        sequence += 1
        let messageId = Identifiers.uuidBits(&random)

        var writer = buffers.writer
        buffers.writer = JSONWriter(capacity: 0)
        let start = writer.count
        writer.beginTopLevelValue()
        writer.beginObject()
        writer.fragment(header)
        writer.key("messageId")
        writer.plainString { Identifiers.appendUUID(messageId, to: &$0) }
        writer.key("timestamp")
        writer.timestamp(millis: time)
        if !signedIn {
            if let anonymousMembers {
                writer.repeatMembers(anonymousMembers)
            } else {
                anonymousMembers = writer.recordMembers { writeIds(&$0, signedIn: false) }
            }
        } else {
            if let identifiedMembers {
                writer.repeatMembers(identifiedMembers)
            } else {
                identifiedMembers = writer.recordMembers { writeIds(&$0, signedIn: true) }
            }
        }
        body(&self, &writer)
        writeContext(&writer)
        writer.endObject()
        buffers.events.append(
            WrittenMessage(
                millis: time, messageIdBits: messageId, step: step, range: start..<writer.count))
        buffers.writer = writer
        return time
    }

    private static let messageKey = RandomStream.key("message")

    private func writeIds(_ writer: inout JSONWriter, signedIn: Bool) {
        writer.key("anonymousId")
        profile.writeAnonymousId(&writer)
        if signedIn {
            writer.key("userId")
            profile.writeUserId(&writer)
        }
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
        let (identity, createdAtMillis) = profile.identityAndCreation()
        let address = identity.address
        for trait in catalog.plan.population.traits {
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
                if let phone = identity.phone {
                    writer.key("phone")
                    writer.string(phone)
                }
            case .address:
                writer.key("address")
                writer.beginObject()
                writer.key("street")
                writer.string(address.street)
                writer.key("city")
                writer.string(address.city)
                if let state = address.state {
                    writer.key("state")
                    writer.string(state)
                }
                writer.key("postalCode")
                writer.string(address.postalCode)
                writer.key("country")
                writer.string(address.country)
                writer.endObject()
            case .createdAt:
                writer.key("createdAt")
                writer.plainString { Timestamp.append(millis: createdAtMillis, to: &$0) }
            case .username:
                writer.key("username")
                writer.string(identity.username)
            case .birthday:
                writer.key("birthday")
                writer.string(String(Timestamp.iso8601(millis: profile.birthdayMillis).prefix(10)))
            }
        }
        writer.members(of: extra)
        writer.endObject()
    }

    /// The user's company: one of the scenario's pool, drawn once per user.
    private func writeGroup(_ writer: inout JSONWriter, extra: JSONObject) {
        var random = RandomStream(
            catalog.plan.seed, UInt64(profile.index), RandomStream.key("group"))
        let company = Company(
            seed: catalog.plan.seed, number: Int(random.below(UInt64(CompanyBook.poolSize))))
        writer.key("groupId")
        writer.string(company.groupId)
        writer.key("traits")
        writer.beginObject()
        writer.key("name")
        writer.string(company.name)
        writer.key("industry")
        writer.string(company.industry)
        writer.key("employees")
        writer.int(Int64(company.employees))
        writer.key("website")
        writer.string(company.website)
        writer.members(of: extra)
        writer.endObject()
    }

    private func writeTrack(_ writer: inout JSONWriter, _ planned: PlannedStep) {
        let step = planned.step
        writer.key("properties")
        writer.beginObject()
        guard let spec = planned.spec else {
            writer.members(of: step.properties)
            writer.endObject()
            return
        }
        shopping.write(
            spec, literal: step.properties, productRun: planned.productRun, into: &writer)
        // Literal values of free properties were written in their place already.
        for member in step.properties.members
        where !spec.properties.contains(where: { $0.free && $0.name == member.key }) {
            writer.key(named: member.key)
            writer.value(member.value)
        }
        writer.endObject()
    }

    /// What a mobile library sends instead of a page: the app, device, OS, screen and network,
    /// with the user agent of the platform's own web view or HTTP stack.
    private func writeAppContext(
        _ writer: inout JSONWriter,
        _ app: (device: AppDevice, osVersion: String, deviceId: String, wifi: Bool),
        _ identity: AppIdentity
    ) {
        writer.key("userAgent")
        writer.string(app.device.userAgent(osVersion: app.osVersion))
        writer.key("app")
        writer.beginObject()
        writer.key("name")
        writer.string(identity.name)
        writer.key("version")
        writer.string(identity.version)
        writer.key("build")
        writer.string(identity.build)
        writer.key("namespace")
        writer.string(identity.namespace)
        writer.endObject()
        writer.key("device")
        writer.beginObject()
        writer.key("id")
        writer.string(app.deviceId)
        writer.key("manufacturer")
        writer.string(app.device.manufacturer)
        writer.key("model")
        writer.string(app.device.model)
        writer.key("type")
        writer.string(profile.platform.rawValue)
        writer.endObject()
        writer.key("os")
        writer.beginObject()
        writer.key("name")
        writer.string(app.device.osName)
        writer.key("version")
        writer.string(app.osVersion)
        writer.endObject()
        writer.key("screen")
        writer.beginObject()
        writer.key("width")
        writer.int(Int64(app.device.width))
        writer.key("height")
        writer.int(Int64(app.device.height))
        writer.key("density")
        writer.double(app.device.density)
        writer.endObject()
        writer.key("network")
        writer.beginObject()
        writer.key("wifi")
        writer.bool(app.wifi)
        writer.key("cellular")
        writer.bool(!app.wifi)
        writer.endObject()
    }

    private mutating func writeContext(_ writer: inout JSONWriter) {
        writer.key("context")
        writer.beginObject()
        if let userContext {
            writer.repeatMembers(userContext)
        } else {
            userContext = writer.recordMembers { writeUserContext(&$0) }
        }
        if !profile.platform.isApp {
            writer.key("page")
            writer.beginObject()
            page.writeFields(&writer)
            writer.endObject()
        }
        // The campaign a user landed from is their first session's attribution.
        if sessions == 1, profile.hasCampaign {
            if let campaignContext {
                writer.repeatMembers(campaignContext)
            } else if let campaign = profile.campaign {
                campaignContext = writer.recordMembers { Self.writeCampaign(&$0, campaign) }
            }
        }
        // The session changes seldom, so its member is written once per session and copied.
        if let session = sessionMember, session.id == sessionId {
            writer.repeatMembers(session.range)
        } else {
            let range = writer.recordMembers {
                $0.key("sessionId")
                $0.int(sessionId)
            }
            sessionMember = (sessionId, range)
        }
        writer.endObject()
    }

    /// `library`, `ip`, `locale`, `timezone`, `userAgent` and, in the app, the app's
    /// blocks: the same in every message of the user.
    private func writeUserContext(_ writer: inout JSONWriter) {
        writer.fragment(catalog.libraryMember)
        writer.key("ip")
        profile.writeIP(&writer)
        writer.fragment(profile.choices.localeMembers[profile.localeIndex])
        writer.fragment(profile.choices.timezoneMembers[profile.timezoneIndex])
        if let app = profile.app, let identity = appIdentity {
            writeAppContext(&writer, app, identity)
        } else {
            writer.fragment(UserAgents.members(forDevice: profile.device)[profile.userAgentIndex])
        }
    }

    private static func writeCampaign(_ writer: inout JSONWriter, _ campaign: Campaign) {
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
    }
}

/// The buffers a journey writes into, kept from one user to the next so that expanding a
/// user does not allocate them again.
struct JourneyBuffers {
    /// The messages written so far; their JSON is a range of `writer`'s bytes until the end.
    var events: [WrittenMessage] = []
    /// One buffer for all of a user's messages, one after the other.
    var writer = JSONWriter(capacity: 4096)

    /// Buffers with no memory of their own, to leave in the place of buffers handed on.
    static var none: JourneyBuffers { JourneyBuffers(events: [], writer: JSONWriter(capacity: 0)) }

    mutating func empty() {
        events.removeAll(keepingCapacity: true)
        writer.reset()
    }
}

/// A message a journey has written: where its JSON is in the journey's buffer, and what
/// places it in the timeline.
struct WrittenMessage {
    var millis: Int64
    var messageIdBits: UUIDBits
    var step: StepReference?
    var range: Range<Int>
}
