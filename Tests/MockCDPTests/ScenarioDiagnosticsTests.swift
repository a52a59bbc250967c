import Foundation
import MockCDP
import Testing

@Suite("Diagnostics for bad scenarios")
struct ScenarioDiagnosticsTests {
    static let valid = """
        scenario: diag
        version: 1
        start: 2026-05-01T00:00:00Z
        duration: 2h
        population:
          users: 10
        funnels:
          main:
            - page: Home
            - track: Signed Up
              rate: 20%
        """

    /// Runs `validate` on `yaml` and returns the status and what it printed.
    func validate(_ yaml: String) throws -> (status: Int32, errors: String, path: String) {
        let path = try writeScenario(yaml)
        let run = try runTool(["validate", path])
        return (run.status, run.errors, path)
    }

    @Test("a valid scenario passes")
    func validScenario() throws {
        let result = try validate(Self.valid)
        #expect(result.status == 0)
        #expect(result.errors.contains("ok (10 users, 1 funnel, 2 steps)"))
    }

    @Test("a rate of 120% is reported at its line and column with a hint")
    func rateTooHigh() throws {
        let result = try validate(
            Self.valid.replacingOccurrences(of: "rate: 20%", with: "rate: 120%"))
        #expect(result.status == 65)
        #expect(
            result.errors.contains(
                "\(result.path):11:13: error: rate must be between 0% and 100%; got 120%\n"
                    + "          rate: 120%\n"
                    + "                ^\n"))
        #expect(result.errors.contains("hint:"))
    }

    @Test("a negative duration is an error")
    func negativeDuration() throws {
        let result = try validate(
            Self.valid.replacingOccurrences(of: "duration: 2h", with: "duration: -2h"))
        #expect(result.status == 65)
        #expect(
            result.errors.contains(
                "\(result.path):4:11: error: duration must not be negative"))
    }

    @Test("an unknown key gets a 'did you mean'")
    func misspelledKey() throws {
        let result = try validate(
            Self.valid.replacingOccurrences(of: "  users: 10", with: "  userz: 10"))
        #expect(result.status == 65)
        #expect(
            result.errors.contains("\(result.path):6:3: error: unknown key 'userz' in population"))
        #expect(result.errors.contains("hint: did you mean 'users'?"))
    }

    @Test("a YAML syntax error points at the problem")
    func syntaxError() throws {
        let result = try validate(
            Self.valid.replacingOccurrences(of: "- page: Home", with: "- page: [Home"))
        #expect(result.status == 65)
        #expect(result.errors.contains("\(result.path):"))
        #expect(result.errors.contains("error:"))
        #expect(result.errors.contains("^"))
    }

    @Test("an unquoted parameter reference in a flow mapping says to quote it")
    func unquotedReferenceInFlowMapping() throws {
        let yaml = Self.valid.replacingOccurrences(
            of: "population:\n  users: 10",
            with: "params: {visitors: 10}\npopulation: { users: ${visitors} }")
        let result = try validate(yaml)
        #expect(result.status == 65)
        #expect(
            result.errors == """
                \(result.path):6:22: error: a parameter reference inside a '{ }' mapping needs \
                quotes: write "${visitors}"
                    population: { users: ${visitors} }
                                         ^
                  hint: without quotes, the '{' of '${' starts a new mapping; quoted, \
                "${visitors}" still takes the parameter's value and kind

                """)

        let fixed = try validate(
            yaml.replacingOccurrences(of: "users: ${visitors}", with: "users: \"${visitors}\""))
        #expect(fixed.status == 0)
        #expect(fixed.errors.contains("ok (10 users, 1 funnel, 2 steps)"))
    }

    @Test("a missing file exits 66")
    func missingFile() throws {
        let run = try runTool(["validate", "/nonexistent/shop.yaml"])
        #expect(run.status == 66)
        #expect(run.errors.contains("cannot read '/nonexistent/shop.yaml': no such file"))
    }

    @Test("every error of a file is reported in one run")
    func allErrors() throws {
        let broken = Self.valid
            .replacingOccurrences(of: "rate: 20%", with: "rate: 120%")
            .replacingOccurrences(of: "duration: 2h", with: "duration: 2")
            .replacingOccurrences(of: "  users: 10", with: "  users: ten")
        let result = try validate(broken)
        #expect(result.status == 65)
        #expect(result.errors.components(separatedBy: ": error: ").count - 1 == 3)
        #expect(result.errors.contains("3 errors"))
    }

    @Test("a file's errors are listed from top to bottom, whatever order they were found in")
    func errorsInLineOrder() throws {
        // A step's rate is checked with the step, its need of a catalog after the funnels.
        let broken = Self.valid
            .replacingOccurrences(of: "- track: Signed Up", with: "- track: Product Viewed")
            .replacingOccurrences(of: "rate: 20%", with: "rate: 2x")
            .replacingOccurrences(of: "  users: 10", with: "  users: ten")
        let result = try validate(broken)
        #expect(result.status == 65)
        let places = result.errors.split(separator: "\n")
            .filter { $0.hasPrefix(result.path) && $0.contains(": error: ") }
            .map { $0.dropFirst(result.path.count + 1).prefix { $0 != " " } }
        #expect(places == ["6:10:", "10:14:", "11:13:"], "\(result.errors)")
    }

    @Test("every undefined parameter of one value is reported, with a suggestion for each")
    func undefinedParameters() throws {
        let broken = Self.valid
            .replacingOccurrences(of: "population:", with: "params:\n  shop: Fern\npopulation:")
            .replacingOccurrences(of: "- page: Home", with: "- page: \"${shpo} ${home}\"")
        let result = try validate(broken)
        #expect(result.status == 65)
        let messages = result.errors.split(separator: "\n")
            .filter { $0.contains(": error: ") || $0.contains("hint: ") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(
            messages == [
                "\(result.path):11:13: error: undefined parameter 'shpo'",
                "hint: did you mean '${shop}'?",
                "\(result.path):11:13: error: undefined parameter 'home'",
                "hint: declare it under params with a default value",
            ], "\(result.errors)")
    }

    @Test("a duplicate key is reported together with the file's other errors")
    func duplicateKeyWithOtherErrors() throws {
        let broken = Self.valid
            .replacingOccurrences(of: "  users: 10", with: "  users: 10\n  users: 20")
            .replacingOccurrences(of: "rate: 20%", with: "rate: 120%")
        let result = try validate(broken)
        #expect(result.status == 65)
        #expect(
            result.errors == """
                \(result.path):7:3: error: duplicate key 'users'; it is already set on line 6
                      users: 20
                      ^
                  hint: keep one of the two; a mapping cannot hold a key twice
                \(result.path):12:13: error: rate must be between 0% and 100%; got 120%
                          rate: 120%
                                ^
                  hint: a conversion rate is a share of the users at the previous step
                2 errors

                """)
    }

    @Test("a mapping keeps the first value of a duplicate key, so only that one is checked")
    func duplicateKeyKeepsFirstValue() throws {
        let first = try validate(
            Self.valid.replacingOccurrences(of: "  users: 10", with: "  users: ten\n  users: 20"))
        #expect(first.status == 65)
        #expect(first.errors.contains("\(first.path):7:3: error: duplicate key 'users'"))
        #expect(first.errors.contains("\(first.path):6:10: error: users must be"))
        #expect(first.errors.contains("2 errors"))

        let second = try validate(
            Self.valid.replacingOccurrences(of: "  users: 10", with: "  users: 10\n  users: ten"))
        #expect(second.status == 65)
        #expect(second.errors.contains("\(second.path):7:3: error: duplicate key 'users'"))
        #expect(second.errors.components(separatedBy: ": error: ").count - 1 == 1)
    }

    @Test("a parameter override of the wrong kind is refused")
    func wrongOverride() throws {
        let path = try writeScenario(
            Self.valid.replacingOccurrences(
                of: "rate: 20%", with: "rate: ${signup}") + "\nparams: {signup: 20%}\n")
        #expect(try runTool(["validate", path, "--set", "signup=5%"]).status == 0)
        let run = try runTool(["validate", path, "--set", "signup=fast"])
        #expect(run.status == 65)
        #expect(run.errors.contains("'signup' is a rate parameter"))
    }

    @Test("an e-commerce event needs a cart before it")
    func orderWithoutCart() throws {
        let yaml = Self.valid.replacingOccurrences(
            of: "track: Signed Up", with: "track: Order Completed")
        let result = try validate(yaml)
        #expect(result.status == 65)
        #expect(result.errors.contains("needs a cart"))
    }

    @Test("a misspelled spec event is a warning with a suggestion, and the file still passes")
    func misspelledEvent() throws {
        let result = try validate(
            Self.valid.replacingOccurrences(of: "track: Signed Up", with: "track: Product Veiwed"))
        #expect(result.status == 0)
        #expect(
            result.errors.contains(
                "\(result.path):10:14: warning: 'Product Veiwed' is not an event of the "
                    + "e-commerce spec"))
        #expect(result.errors.contains("did you mean 'Product Viewed'?"))
    }

    @Test("a rate of 0% warns, and so does every step after it")
    func zeroRate() throws {
        let yaml =
            Self.valid.replacingOccurrences(of: "rate: 20%", with: "rate: 0%")
            + "\n    - track: Order Viewed\n"
        let result = try validate(yaml)
        #expect(result.status == 0)
        #expect(
            result.errors.contains(
                "\(result.path):10:7: warning: no user converts to this step: its rate is 0%"))
        #expect(
            result.errors.contains(
                "\(result.path):12:7: warning: no user can reach this step: an earlier step has "
                    + "a rate of 0%"))
        #expect(result.errors.contains("hint: see line 10"))
    }

    @Test("a delay that can outlast the scenario is a warning")
    func longDelay() throws {
        let yaml = Self.valid.replacingOccurrences(
            of: "rate: 20%", with: "rate: 20%\n      after: 1h..3h")
        let result = try validate(yaml)
        #expect(result.status == 0)
        #expect(
            result.errors.contains(
                "\(result.path):12:14: warning: this delay can be longer than the whole scenario"))
    }

    @Test("warnings and errors of one file are reported together")
    func warningsWithErrors() throws {
        let yaml = Self.valid
            .replacingOccurrences(of: "track: Signed Up", with: "track: Product Veiwed")
            .replacingOccurrences(of: "  users: 10", with: "  users: -1")
        let result = try validate(yaml)
        #expect(result.status == 65)
        #expect(result.errors.contains("error: users must be between 0 and"))
        #expect(result.errors.contains("warning: 'Product Veiwed' is not an event"))
    }
}
