import Foundation
import Testing

@testable import MockCDP

@Suite("Cart and order properties")
struct OrderArithmeticTests {
    /// Money in cents, read from JSON numbers written with two decimals.
    func cents(_ value: Any?) throws -> Int {
        let number = try #require(value as? NSNumber)
        return Int((number.doubleValue * 100).rounded())
    }

    @Test("every Order Completed lists what the user added and its amounts add up")
    func ordersMatchCarts() throws {
        let all = try messages(
            plan(storefront(users: 2000, cartRate: "60%", checkoutRate: "90%", orderRate: "90%")))
        var added: [String: [String: Int]] = [:]
        var orders = 0
        var discounted = 0
        for message in all {
            let user = try #require(message["anonymousId"] as? String)
            let properties = message["properties"] as? [String: Any] ?? [:]
            switch message["event"] as? String {
            case "Product Added":
                let id = try #require(properties["product_id"] as? String)
                added[user, default: [:]][id, default: 0] += try #require(
                    properties["quantity"] as? Int)
            case "Order Completed":
                orders += 1
                let products = try #require(properties["products"] as? [[String: Any]])
                var listed: [String: Int] = [:]
                var revenue = 0
                for product in products {
                    let id = try #require(product["product_id"] as? String)
                    let quantity = try #require(product["quantity"] as? Int)
                    listed[id, default: 0] += quantity
                    revenue += try cents(product["price"]) * quantity
                }
                #expect(listed == added[user], "order products differ from Product Added events")
                added[user] = nil

                let discount = try cents(properties["discount"])
                let subtotal = try cents(properties["subtotal"])
                let tax = try cents(properties["tax"])
                let shipping = try cents(properties["shipping"])
                #expect(try cents(properties["revenue"]) == revenue)
                #expect(subtotal == revenue - discount)
                #expect(try cents(properties["total"]) == subtotal + tax + shipping)
                #expect(abs(Double(tax) - Double(subtotal) * 0.19) <= 0.5)
                #expect(shipping == (subtotal >= 6000 ? 0 : 495))
                if discount > 0 {
                    discounted += 1
                    #expect(properties["coupon"] as? String == "SPRING15")
                    #expect(abs(Double(discount) - Double(revenue) * 0.15) <= 0.5)
                }
                #expect(properties["currency"] as? String == "EUR")
                #expect(properties["order_id"] is String && properties["checkout_id"] is String)
            default:
                break
            }
        }
        #expect(orders > 100)
        #expect(discounted > 0 && discounted < orders)
    }

    @Test("amounts round half to even in minor units")
    func rounding() {
        #expect(Money.share(of: 250, Rate(0.1)) == 25)
        #expect(Money.share(of: 125, Rate(0.1)) == 12)
        #expect(Money.share(of: 135, Rate(0.1)) == 14)
        #expect(Money.share(of: 1999, Rate(0.19)) == 380)
        #expect(Money.share(of: 0, Rate(0.5)) == 0)
    }

    @Test("JSON money keeps the currency's decimals")
    func moneyText() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.money(2499, decimals: 2)
        writer.money(5, decimals: 2)
        writer.money(1200, decimals: 0)
        writer.money(-1050, decimals: 2)
        writer.money(7, decimals: 3)
        writer.endArray()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[24.99,0.05,1200,-10.50,0.007]")
    }
}
