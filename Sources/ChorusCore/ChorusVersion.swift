/// The release this build is. One place, read by `chorusd --version`, the `chorus_build_info`
/// metric and the health endpoint's answer; bumped when a release is cut.
public enum ChorusVersion {
    public static let string = "0.18.0"
}
