/// Invented companies that users join with a group call, as a B2B shop's buyers do.
///
/// A scenario has a fixed pool of companies, each generated from the seed and its
/// number alone, so that users who draw the same number belong to the same
/// company with the same traits. Names are made up from neutral words; websites
/// use the reserved `example.com` domain.
struct Company: Sendable {
    var groupId: String
    var name: String
    var industry: String
    var employees: Int
    var website: String

    init(seed: UInt64, number: Int) {
        var random = RandomStream(seed, UInt64(number), RandomStream.key("company"))
        groupId = "grp_" + Identifiers.hex(random.next(), digits: 12)
        let first = CompanyBook.firstWords[Int(random.below(UInt64(CompanyBook.firstWords.count)))]
        let second = CompanyBook.secondWords[
            Int(random.below(UInt64(CompanyBook.secondWords.count)))]
        name = "\(first) \(second)"
        industry = CompanyBook.industries[Int(random.below(UInt64(CompanyBook.industries.count)))]
        employees = CompanyBook.sizes[random.index(weights: [30, 30, 20, 12, 6, 2])]
        website = "https://\(Slug.make(name)).example.com"
    }
}

/// Word lists for invented company names and traits.
enum CompanyBook {
    /// How many companies the users of one scenario are spread over.
    static let poolSize = 64
    /// The traits a group call fills in, in the order they are written.
    static let traitNames = ["name", "industry", "employees", "website"]

    static let firstWords = [
        "Bluefin", "Cedarline", "Copperfield", "Driftwood", "Emberly", "Foxglove", "Granite",
        "Harborview", "Ironbark", "Juniper", "Keystone", "Larkspur", "Meadowlark", "Northgate",
        "Oakridge", "Pinecrest", "Quarry", "Riverstone", "Silverleaf", "Tidewater",
    ]
    static let secondWords = [
        "Logistics", "Studios", "Supply Co.", "Analytics", "Outfitters", "Labs", "Partners",
        "Works", "Systems", "Collective",
    ]
    static let industries = [
        "Retail", "Hospitality", "Healthcare", "Education", "Construction", "Software",
        "Manufacturing", "Media", "Nonprofit", "Professional Services",
    ]
    static let sizes = [5, 20, 75, 250, 1200, 8000]
}
