/// A funnel step with what the planner needs of it prepared once: its spec event, the
/// first members of its messages and the page it shows. A class, so that walking a funnel
/// passes one reference per step rather than copying the step's text and properties.
final class PlannedStep: Sendable {
    enum Kind: Sendable {
        case view
        case track
        case identify
        case group
        case alias
    }

    let step: Step
    let reference: StepReference
    let kind: Kind
    /// For track steps, the event's part in shopping; `.plain` for the rest.
    let role: EcommerceRole
    /// The e-commerce event of a track step that sends one of the spec.
    let spec: SpecEvent?
    /// For page and screen steps: the call and its page.
    let viewed: (call: PageCall, page: SitePage)?
    /// The first members of the step's messages, `"type":"track","event":…`, and what app
    /// users send instead for a page view: `"type":"screen","name":…`.
    let header: [UInt8]
    let appHeader: [UInt8]
    /// Where the spec event's properties list every product field in the spec's order, for
    /// events about the product being shown, added or shared.
    let productRun: Int?

    init(_ step: Step, reference: StepReference, site: Site) {
        self.step = step
        self.reference = reference
        switch step.call {
        case .page(let call):
            kind = .view
            role = .plain
            spec = nil
            viewed = (call, SitePage(path: call.path, title: call.title, site: site))
            header = Self.header(type: "page", name: call.name)
            appHeader = Self.header(type: "screen", name: call.name)
            productRun = nil
        case .screen(let name):
            let call = PageCall(
                name: name, path: name == "Home" ? "/" : "/" + Slug.make(name),
                title: PlannerCatalog.siteTitle(name, site: site))
            kind = .view
            role = .plain
            spec = nil
            viewed = (call, SitePage(path: call.path, title: call.title, site: site))
            header = Self.header(type: "page", name: name)
            appHeader = Self.header(type: "screen", name: name)
            productRun = nil
        case .track(let event, let role):
            kind = .track
            self.role = role
            let spec = EcommerceSpec.event(named: event)
            self.spec = spec
            viewed = nil
            header = Self.header(type: "track", event: event)
            appHeader = header
            productRun = spec.flatMap(Self.productRun)
        case .identify, .group, .alias:
            kind =
                switch step.call {
                case .identify: .identify
                case .group: .group
                default: .alias
                }
            role = .plain
            spec = nil
            viewed = nil
            header = Self.header(type: step.call.type)
            appHeader = header
            productRun = nil
        }
    }

    /// Where `event` lists every product field in the spec's order, when those fields
    /// describe the event's product (not a promotion's name or a list's category).
    private static func productRun(_ event: SpecEvent) -> Int? {
        guard event.role != .promotion, event.role != .productList else { return nil }
        let fields = event.properties.map(\.field)
        let run = EcommerceSpec.productFields.map(\.field)
        guard fields.count >= run.count else { return nil }
        return (0...(fields.count - run.count)).first { start in
            Array(fields[start..<start + run.count]) == run
                && !event.properties[start..<start + run.count].contains(where: \.free)
        }
    }

    /// The first members of the identify call of a user signed in on arrival.
    static let arrivalIdentifyHeader = header(type: "identify")

    private static func header(type: String, name: String? = nil, event: String? = nil)
        -> [UInt8]
    {
        var writer = JSONWriter(capacity: 64)
        writer.key("type")
        writer.string(type)
        if let event {
            writer.key("event")
            writer.string(event)
        }
        if let name {
            writer.key("name")
            writer.string(name)
        }
        return writer.bytes
    }
}
