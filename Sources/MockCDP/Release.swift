/// The tool's name and version, as written in every message's `context.library`.
///
/// The version is part of the determinism contract: the same scenario, seed and
/// version give the same bytes.
public enum Release {
    public static let name = "mockcdp"
    public static let version = "0.1.0"
}
