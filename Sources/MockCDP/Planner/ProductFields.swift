/// A product's members in Segment's product spec, encoded once per catalog product:
/// most events describe a product, and only the quantity changes from one to the next.
struct ProductFields: Sendable {
    /// `product_id`, `sku`, `category`, `name`, `brand`, `variant` and `price`.
    let head: [UInt8]
    /// `url` and `image_url`, which follow `quantity`.
    let tail: [UInt8]

    init(_ product: Product, decimals: Int) {
        var writer = JSONWriter(capacity: 512)
        writer.key("product_id")
        writer.string(product.id)
        writer.key("sku")
        writer.string(product.sku)
        if let category = product.category {
            writer.key("category")
            writer.string(category)
        }
        writer.key("name")
        writer.string(product.name)
        if let brand = product.brand {
            writer.key("brand")
            writer.string(brand)
        }
        if let variant = product.variant {
            writer.key("variant")
            writer.string(variant)
        }
        writer.key("price")
        writer.money(product.priceMinor, decimals: decimals)
        head = writer.bytes

        writer = JSONWriter(capacity: 512)
        writer.key("url")
        writer.string(product.url)
        if let image = product.imageURL {
            writer.key("image_url")
            writer.string(image)
        }
        tail = writer.bytes
    }

    /// Writes the product's members, with `quantity` in its place between head and tail.
    func write(_ writer: inout JSONWriter, quantity: Int) {
        writer.fragment(head)
        writer.key("quantity")
        writer.int(Int64(quantity))
        writer.fragment(tail)
    }
}
