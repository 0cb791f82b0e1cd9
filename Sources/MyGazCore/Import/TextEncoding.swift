/// Windows-1251 to UTF-8, and UTF-8 validation, over bytes.
public enum TextEncoding {
    /// Unicode scalars of Windows-1251 bytes 0x80…0xFF (0x98 is unassigned: U+FFFD).
    static let cp1251High: [UInt16] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
        0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417, 0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
        0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
        0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
        0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447, 0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
    ]

    /// The UTF-8 bytes of each high byte, precomputed: the hot loop only copies.
    static let utf8OfHigh: [[UInt8]] = cp1251High.map { Array(String(Unicode.Scalar($0)!).utf8) }

    /// The UTF-8 of each high byte packed as (length << 24 | bytes), for the hot loop.
    static let packedHigh: [UInt32] = utf8OfHigh.map { bytes in
        bytes.reduce(UInt32(bytes.count) << 24) { ($0 & 0xFF00_0000) | (($0 & 0x00FF_FFFF) << 8) | UInt32($1) }
    }

    /// A UTF-8 validator that can be fed a file chunk by chunk.
    public struct UTF8Validator {
        private var pending = 0        // continuation bytes still expected
        private var lower: UInt8 = 0x80
        private var upper: UInt8 = 0xBF
        public private(set) var valid = true

        public init() {}

        public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard valid else { return }
            for b in bytes {
                if pending == 0 {
                    if b < 0x80 { continue }
                    switch b {
                    case 0xC2...0xDF: pending = 1; lower = 0x80; upper = 0xBF
                    case 0xE0: pending = 2; lower = 0xA0; upper = 0xBF
                    case 0xE1...0xEC, 0xEE, 0xEF: pending = 2; lower = 0x80; upper = 0xBF
                    case 0xED: pending = 2; lower = 0x80; upper = 0x9F
                    case 0xF0: pending = 3; lower = 0x90; upper = 0xBF
                    case 0xF1...0xF3: pending = 3; lower = 0x80; upper = 0xBF
                    case 0xF4: pending = 3; lower = 0x80; upper = 0x8F
                    default: valid = false; return
                    }
                } else {
                    guard b >= lower && b <= upper else { valid = false; return }
                    lower = 0x80; upper = 0xBF
                    pending -= 1
                }
            }
        }

        /// At the end of the input: valid only if no sequence was cut short.
        public var complete: Bool { valid && pending == 0 }
    }
}
