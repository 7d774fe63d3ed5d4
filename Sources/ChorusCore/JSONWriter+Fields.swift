/// Object and array building with the commas handled, so encoders read as a list of fields.
extension JSONWriter {
    public mutating func beginObject() {
        separate()
        raw("{")
        needsSeparator = false
    }

    public mutating func beginObject(_ key: StaticString) {
        separate()
        self.key(key)
        raw("{")
        needsSeparator = false
    }

    public mutating func endObject() {
        raw("}")
        needsSeparator = true
    }

    public mutating func beginArray(_ key: StaticString) {
        separate()
        self.key(key)
        raw("[")
        needsSeparator = false
    }

    public mutating func endArray() {
        raw("]")
        needsSeparator = true
    }

    public mutating func field(_ key: StaticString, _ value: String) {
        separate()
        self.key(key)
        string(value)
    }

    public mutating func field<T: BinaryInteger>(_ key: StaticString, _ value: T) {
        separate()
        self.key(key)
        integer(value)
    }

    public mutating func field(_ key: StaticString, _ value: Bool) {
        separate()
        self.key(key)
        bool(value)
    }

    public mutating func field(_ key: StaticString, fraction value: Double) {
        separate()
        self.key(key)
        fraction(value)
    }

    public mutating func field(_ key: StaticString, strings values: [String]) {
        separate()
        self.key(key)
        stringArray(values)
    }

    /// A member whose name is data (a language or region code in a counter map).
    public mutating func field(named name: String, _ value: UInt64) {
        separate()
        string(name)
        raw(":")
        integer(value)
    }

    private mutating func separate() {
        if needsSeparator { raw(",") }
        needsSeparator = true
    }
}
