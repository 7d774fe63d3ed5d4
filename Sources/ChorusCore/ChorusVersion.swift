/// The release this build is, in one place: `chorusd --version` and the `chorus_build_info`
/// metric read it; bumped when a release is cut.
public enum ChorusVersion {
    public static let string = "0.18.0"
}
