/// Deterministic, invented identities that fit the user's locale.
///
/// Names are common given names and surnames of each language; emails use the
/// reserved `example.com`/`example.org`/`example.net` domains, and phone numbers
/// come only from ranges a regulator sets aside for fiction; where a country has
/// none, the user has no phone number. Streets, cities and postal codes are
/// public places, never one person's address.
struct FakeIdentity: Sendable {
    /// The identity is drawn for every user but written only by identify calls, so only
    /// its choices are kept (indices into the locale's book, numbers); the text is made
    /// when a trait is written.
    private let book: NameBook
    private let first: Int
    private let last: Int
    private let number: UInt64
    private let domain: Int
    private let phoneDraws: UInt64?
    private let city: Int
    private let street: Int
    private let houseNumber: UInt64

    private static let domains = ["example.com", "example.org", "example.net"]

    init(book: NameBook, random: inout RandomStream) {
        self.book = book
        first = Int(random.below(UInt64(book.first.count)))
        last = Int(random.below(UInt64(book.last.count)))
        number = random.below(1000)
        domain = Int(random.below(UInt64(Self.domains.count)))
        phoneDraws = book.phone?.draw(&random)
        city = Int(random.below(UInt64(book.cities.count)))
        street = Int(random.below(UInt64(book.streets.count)))
        houseNumber = 1 + random.below(199)
    }

    var firstName: String { book.first[first] }
    var lastName: String { book.last[last] }

    var email: String {
        "\(book.firstSlugs[first]).\(book.lastSlugs[last])\(number)@" + Self.domains[domain]
    }

    /// `nil` for locales whose country has no range of numbers reserved for fiction.
    var phone: String? {
        guard let pattern = book.phone, let phoneDraws else { return nil }
        return pattern.text(phoneDraws)
    }

    var address: Address {
        let city = book.cities[city]
        let streetName = book.streets[street]
        return Address(
            street: book.houseNumberFirst
                ? "\(houseNumber) \(streetName)" : "\(streetName) \(houseNumber)",
            city: city.name, state: city.state, postalCode: city.postalCode,
            country: book.country)
    }

    /// `jade_simon42`: what a sign-up form would get from this person.
    var username: String {
        book.firstSlugs[first].replacingOccurrences(of: "-", with: "") + "_"
            + book.lastSlugs[last].replacingOccurrences(of: "-", with: "") + String(number)
    }

    struct Address: Sendable {
        var street: String
        var city: String
        var state: String?
        var postalCode: String
        var country: String
    }
}

/// A telephone number in a range set aside for fiction: fixed text with drawn digits or
/// choices, such as `+1-` (an area code) `-555-01` (two digits).
struct PhonePattern: Sendable {
    enum Part: Sendable {
        case text(String)
        case digit
        case choice([String])
    }

    let parts: [Part]

    init(_ parts: Part...) {
        self.parts = parts
    }

    /// Draws the pattern's digits and choices in order, packed four bits each.
    func draw(_ random: inout RandomStream) -> UInt64 {
        var packed: UInt64 = 0
        var shift: UInt64 = 0
        for part in parts {
            switch part {
            case .text: continue
            case .digit: packed |= random.below(10) << shift
            case .choice(let options): packed |= random.below(UInt64(options.count)) << shift
            }
            shift += 4
        }
        return packed
    }

    /// The number with the draws of `draw` in place.
    func text(_ draws: UInt64) -> String {
        var text = ""
        var rest = draws
        for part in parts {
            switch part {
            case .text(let fixed):
                text += fixed
                continue
            case .digit: text += String(rest & 0xF)
            case .choice(let options): text += options[Int(rest & 0xF)]
            }
            rest >>= 4
        }
        return text
    }
}

/// Names, streets and cities of one locale. A class, so that every user's identity
/// refers to its locale's book rather than copying it.
final class NameBook: Sendable {
    struct City: Sendable {
        var name: String
        var state: String?
        var postalCode: String
    }

    let first: [String]
    let last: [String]
    let streets: [String]
    let cities: [City]
    let country: String
    let houseNumberFirst: Bool
    /// The range of numbers not assigned to real subscribers, where the country has one.
    let phone: PhonePattern?
    /// The names as they appear in email addresses: `maría` becomes `maria`.
    let firstSlugs: [String]
    let lastSlugs: [String]

    init(
        first: [String], last: [String], streets: [String], cities: [City], country: String,
        houseNumberFirst: Bool, phone: PhonePattern?
    ) {
        self.first = first
        self.last = last
        self.streets = streets
        self.cities = cities
        self.country = country
        self.houseNumberFirst = houseNumberFirst
        self.phone = phone
        firstSlugs = first.map(Slug.make)
        lastSlugs = last.map(Slug.make)
    }

    /// The book of a locale: its own, else its language's (`fr-BE` gets `fr-FR`),
    /// else `en-US`.
    static func book(for locale: String) -> NameBook {
        if let book = books[locale] { return book }
        let language = String(locale.prefix { $0 != "-" && $0 != "_" })
        return languageDefaults[language].flatMap { books[$0] } ?? books["en-US"]!
    }

    /// The locales that have a book of their own.
    static var locales: [String] { books.keys.sorted() }

    private static let languageDefaults = [
        "en": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "it": "it-IT",
        "nl": "nl-NL", "pt": "pt-BR", "ja": "ja-JP",
    ]

    /// A number in the North American plan's fiction block, 555-0100 to 555-0199.
    private static func northAmerican(_ areaCodes: [String]) -> PhonePattern {
        PhonePattern(.text("+1-"), .choice(areaCodes), .text("-555-01"), .digit, .digit)
    }

    private static let books: [String: NameBook] = [
        "en-US": NameBook(
            first: [
                "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda",
                "Daniel", "Emily", "Anthony", "Jessica", "Kevin", "Ashley", "Brian", "Sarah",
            ],
            last: [
                "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
                "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Moore", "Lee", "Walker",
            ],
            streets: [
                "Maple Avenue", "Oak Street", "Cedar Lane", "Elm Street", "Park Place",
                "Lakeview Drive",
            ],
            cities: [
                City(name: "Springfield", state: "IL", postalCode: "62701"),
                City(name: "Portland", state: "OR", postalCode: "97205"),
                City(name: "Austin", state: "TX", postalCode: "78701"),
                City(name: "Columbus", state: "OH", postalCode: "43215"),
                City(name: "Richmond", state: "VA", postalCode: "23219"),
            ],
            country: "US", houseNumberFirst: true,
            // 555-0100 to 555-0199 is reserved for fiction in the North American plan.
            phone: northAmerican(["202", "312", "415", "512", "617"])),
        "en-GB": NameBook(
            first: [
                "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Charlie",
                "Grace", "Thomas", "Freya",
            ],
            last: [
                "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas",
                "Roberts", "Walker", "Wright", "Hughes",
            ],
            streets: ["High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"],
            cities: [
                City(name: "Leeds", postalCode: "LS1 4AP"),
                City(name: "Bristol", postalCode: "BS1 5TR"),
                City(name: "York", postalCode: "YO1 7HH"),
                City(name: "Oxford", postalCode: "OX1 2JD"),
            ],
            country: "GB", houseNumberFirst: true,
            // Ofcom keeps 07700 900000 to 900999 for drama.
            phone: PhonePattern(.text("+44 7700 900"), .digit, .digit, .digit)),
        "de-DE": NameBook(
            first: [
                "Lukas", "Anna", "Leon", "Lea", "Paul", "Hannah", "Jonas", "Lena", "Felix", "Marie",
                "Maximilian", "Sophie",
            ],
            last: [
                "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
                "Schulz", "Hoffmann", "Koch", "Richter",
            ],
            streets: ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Lindenweg"],
            cities: [
                City(name: "Köln", postalCode: "50667"), City(name: "Leipzig", postalCode: "04109"),
                City(name: "Freiburg", postalCode: "79098"),
                City(name: "Bremen", postalCode: "28195"),
            ],
            country: "DE", houseNumberFirst: false,
            // The Bundesnetzagentur sets 0171 39200 00 to 99 aside for fiction.
            phone: PhonePattern(.text("+49 171 39200"), .digit, .digit)),
        "fr-FR": NameBook(
            first: [
                "Gabriel", "Louise", "Raphaël", "Jade", "Léo", "Emma", "Louis", "Chloé", "Hugo",
                "Inès", "Jules", "Camille",
            ],
            last: [
                "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
                "Leroy", "Moreau", "Simon", "Lefèvre",
            ],
            streets: [
                "Rue de la République", "Rue Victor Hugo", "Avenue Jean Jaurès", "Rue Pasteur",
            ],
            cities: [
                City(name: "Lyon", postalCode: "69002"), City(name: "Nantes", postalCode: "44000"),
                City(name: "Lille", postalCode: "59000"),
                City(name: "Bordeaux", postalCode: "33000"),
            ],
            country: "FR", houseNumberFirst: true,
            // ARCEP reserves 01 99 00 xx xx and 06 39 98 xx xx for audiovisual works.
            phone: PhonePattern(
                .text("+33 6 39 98 "), .digit, .digit, .text(" "), .digit, .digit)),
        "es-ES": NameBook(
            first: [
                "Hugo", "Lucía", "Martín", "Sofía", "Pablo", "María", "Daniel", "Paula",
                "Alejandro",
                "Valeria", "Mateo", "Carmen",
            ],
            last: [
                "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez",
                "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz",
            ],
            streets: ["Calle Mayor", "Calle Real", "Avenida de la Constitución", "Calle del Sol"],
            cities: [
                City(name: "Valencia", postalCode: "46001"),
                City(name: "Sevilla", postalCode: "41001"),
                City(name: "Zaragoza", postalCode: "50001"),
                City(name: "Málaga", postalCode: "29001"),
            ],
            country: "ES", houseNumberFirst: false, phone: nil),
        "pt-BR": NameBook(
            first: [
                "Miguel", "Helena", "Arthur", "Alice", "Gael", "Laura", "Heitor", "Manuela", "Théo",
                "Valentina", "Davi", "Beatriz",
            ],
            last: [
                "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
                "Lima", "Gomes", "Costa", "Ribeiro",
            ],
            streets: ["Rua das Flores", "Avenida Brasil", "Rua São João", "Rua XV de Novembro"],
            cities: [
                City(name: "Curitiba", state: "PR", postalCode: "80010-000"),
                City(name: "Recife", state: "PE", postalCode: "50010-000"),
                City(name: "Salvador", state: "BA", postalCode: "40010-000"),
            ],
            country: "BR", houseNumberFirst: false, phone: nil),
        "ja-JP": NameBook(
            first: [
                "Haruto", "Himari", "Sota", "Mei", "Yuto", "Yua", "Riku", "Sakura", "Minato", "Rin",
            ],
            last: [
                "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
                "Kobayashi", "Kato",
            ],
            streets: ["Chuo-dori", "Sakura-dori", "Ekimae-dori", "Kawabata-dori"],
            cities: [
                City(name: "Sapporo", state: "Hokkaido", postalCode: "060-0001"),
                City(name: "Fukuoka", state: "Fukuoka", postalCode: "810-0001"),
                City(name: "Sendai", state: "Miyagi", postalCode: "980-0021"),
            ],
            country: "JP", houseNumberFirst: false, phone: nil),
        "es-US": NameBook(
            first: [
                "Sofía", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Isabella",
                "Alejandro", "Lucía", "Gabriel", "Ximena", "Emiliano",
            ],
            last: [
                "Hernández", "García", "Martínez", "López", "González", "Pérez", "Ramírez",
                "Torres", "Flores", "Rivera", "Morales", "Reyes",
            ],
            streets: ["Mission Street", "Main Street", "Palm Avenue", "Sunset Drive"],
            cities: [
                City(name: "San Antonio", state: "TX", postalCode: "78205"),
                City(name: "Miami", state: "FL", postalCode: "33130"),
                City(name: "Phoenix", state: "AZ", postalCode: "85004"),
                City(name: "Albuquerque", state: "NM", postalCode: "87102"),
            ],
            country: "US", houseNumberFirst: true,
            phone: northAmerican(["210", "305", "602", "505"])),
        "en-CA": NameBook(
            first: [
                "Liam", "Olivia", "Noah", "Emma", "Lucas", "Charlotte", "Benjamin", "Amelia",
                "Owen", "Ava", "Ethan", "Chloe",
            ],
            last: [
                "Smith", "Brown", "Tremblay", "Martin", "Roy", "Wilson", "MacDonald", "Taylor",
                "Campbell", "Anderson", "Lee", "Clark",
            ],
            streets: ["King Street", "Queen Street", "Maple Crescent", "Lakeshore Road"],
            cities: [
                City(name: "Toronto", state: "ON", postalCode: "M5H 2N2"),
                City(name: "Ottawa", state: "ON", postalCode: "K1P 1J1"),
                City(name: "Calgary", state: "AB", postalCode: "T2P 2M5"),
                City(name: "Halifax", state: "NS", postalCode: "B3J 3A5"),
                City(name: "Vancouver", state: "BC", postalCode: "V6B 1A1"),
            ],
            country: "CA", houseNumberFirst: true,
            // Canada shares the North American plan and its 555-0100 to 555-0199 block.
            phone: northAmerican(["416", "613", "403", "902", "604"])),
        "fr-CA": NameBook(
            first: [
                "Léa", "Félix", "Florence", "William", "Alice", "Émile", "Charlotte", "Thomas",
                "Rosalie", "Jacob", "Juliette", "Samuel",
            ],
            last: [
                "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
                "Fortin", "Gagné", "Ouellet", "Pelletier",
            ],
            streets: ["rue Sainte-Catherine", "rue Saint-Jean", "boulevard René-Lévesque"],
            cities: [
                City(name: "Montréal", state: "QC", postalCode: "H2X 1Y4"),
                City(name: "Québec", state: "QC", postalCode: "G1R 4P5"),
                City(name: "Sherbrooke", state: "QC", postalCode: "J1H 1A1"),
                City(name: "Gatineau", state: "QC", postalCode: "J8X 3X7"),
            ],
            country: "CA", houseNumberFirst: true,
            phone: northAmerican(["514", "418", "819"])),
        "en-AU": NameBook(
            first: [
                "Oliver", "Charlotte", "Jack", "Olivia", "William", "Isla", "Noah", "Mia",
                "Thomas", "Ava", "Lachlan", "Matilda",
            ],
            last: [
                "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson",
                "Martin", "White", "Kelly", "Ryan",
            ],
            streets: ["George Street", "Elizabeth Street", "Bridge Road", "Beach Road"],
            cities: [
                City(name: "Sydney", state: "NSW", postalCode: "2000"),
                City(name: "Melbourne", state: "VIC", postalCode: "3000"),
                City(name: "Brisbane", state: "QLD", postalCode: "4000"),
                City(name: "Perth", state: "WA", postalCode: "6000"),
            ],
            country: "AU", houseNumberFirst: true,
            // ACMA keeps 5550 xxxx in each geographic area code for drama.
            phone: PhonePattern(
                .text("+61 "), .choice(["2", "3", "7", "8"]), .text(" 5550 "), .digit, .digit,
                .digit, .digit)),
        "it-IT": NameBook(
            first: [
                "Leonardo", "Sofia", "Francesco", "Giulia", "Alessandro", "Aurora", "Lorenzo",
                "Alice", "Mattia", "Ginevra", "Tommaso", "Beatrice",
            ],
            last: [
                "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
                "Marino", "Greco", "Bruno", "Gallo",
            ],
            streets: ["Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Via Dante"],
            cities: [
                City(name: "Milano", state: "MI", postalCode: "20121"),
                City(name: "Torino", state: "TO", postalCode: "10121"),
                City(name: "Bologna", state: "BO", postalCode: "40121"),
                City(name: "Firenze", state: "FI", postalCode: "50122"),
            ],
            country: "IT", houseNumberFirst: false, phone: nil),
        "nl-NL": NameBook(
            first: [
                "Noah", "Emma", "Daan", "Julia", "Sem", "Mila", "Lucas", "Tess", "Finn", "Sophie",
                "Levi", "Zoë",
            ],
            last: [
                "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
                "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            ],
            streets: ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenstraat", "Schoolstraat"],
            cities: [
                City(name: "Amsterdam", postalCode: "1012 JS"),
                City(name: "Utrecht", postalCode: "3511 LX"),
                City(name: "Rotterdam", postalCode: "3011 AD"),
                City(name: "Groningen", postalCode: "9711 LV"),
            ],
            country: "NL", houseNumberFirst: false, phone: nil),
    ]
}
