/// Deterministic, invented identities that fit the user's locale.
///
/// Names are common given names and surnames of each language; emails use the
/// reserved `example.com`/`example.org`/`example.net` domains, phone numbers the
/// ranges set aside for fiction where a country has one, so that no real
/// person's contact details are ever produced.
struct FakeIdentity: Sendable {
    var firstName: String
    var lastName: String
    var email: String
    var phone: String
    var address: Address

    struct Address: Sendable {
        var street: String
        var city: String
        var state: String?
        var postalCode: String
        var country: String
    }

    init(locale: String, random: inout RandomStream) {
        let names = NameBook.book(for: locale)
        firstName = names.first[Int(random.below(UInt64(names.first.count)))]
        lastName = names.last[Int(random.below(UInt64(names.last.count)))]
        let domains = ["example.com", "example.org", "example.net"]
        let number = random.below(1000)
        email =
            "\(Slug.make(firstName)).\(Slug.make(lastName))\(number)@"
            + domains[Int(random.below(UInt64(domains.count)))]
        phone = names.phone(&random)
        let city = names.cities[Int(random.below(UInt64(names.cities.count)))]
        let streetName = names.streets[Int(random.below(UInt64(names.streets.count)))]
        let houseNumber = 1 + random.below(199)
        address = Address(
            street: names.houseNumberFirst
                ? "\(houseNumber) \(streetName)" : "\(streetName) \(houseNumber)",
            city: city.name, state: city.state, postalCode: city.postalCode, country: names.country)
    }
}

/// Names, streets and cities of one locale.
struct NameBook: Sendable {
    struct City: Sendable {
        var name: String
        var state: String?
        var postalCode: String
    }

    var first: [String]
    var last: [String]
    var streets: [String]
    var cities: [City]
    var country: String
    var houseNumberFirst: Bool
    /// Makes a phone number in a range that is not assigned to real subscribers.
    var phone: @Sendable (inout RandomStream) -> String

    static func book(for locale: String) -> NameBook {
        books[locale] ?? books[String(locale.prefix(2))] ?? books["en-US"]!
    }

    private static func digits(_ count: Int, _ random: inout RandomStream) -> String {
        String((0..<count).map { _ in Character(String(random.below(10))) })
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
            phone: {
                "+1-\(["202", "312", "415", "512", "617"][Int($0.below(5))])-555-01\(digits(2, &$0))"
            }),
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
            phone: { "+44 7700 900\(digits(3, &$0))" }),
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
            phone: { "+49 171 39200\(digits(2, &$0))" }),
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
            phone: { "+33 6 39 98 \(digits(2, &$0)) \(digits(2, &$0))" }),
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
            country: "ES", houseNumberFirst: false,
            phone: { "+34 600 \(digits(3, &$0)) \(digits(3, &$0))" }),
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
            country: "BR", houseNumberFirst: false,
            phone: { "+55 11 9\(digits(4, &$0))-\(digits(4, &$0))" }),
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
            country: "JP", houseNumberFirst: false,
            phone: { "+81 90-\(digits(4, &$0))-\(digits(4, &$0))" }),
    ]
}
