/// The documented order of the fields of each file kind. Tools that write files (the
/// lifecycle commands) put a new field after its predecessor in this order, so that
/// files stay in the order readers expect.
public enum FieldOrder {
    public static let share = ShareRules.keys
    public static let video = ShareRules.videoKeys
    public static let credential = CredentialRules.keys
}
