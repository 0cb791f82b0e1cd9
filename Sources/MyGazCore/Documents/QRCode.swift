/// A QR code (ISO/IEC 18004, model 2) of bytes at error correction level M: the smallest version
/// that holds them, all eight masks tried and the one with the lowest penalty kept, as the
/// standard says. Small on purpose: byte mode only, which is what payment documents use.
public struct QRCode: Sendable {
    public let version: Int
    public private(set) var mask: Int
    public let size: Int
    /// `modules[y][x]`: true is dark.
    public private(set) var modules: [[Bool]]
    private var isFunction: [[Bool]]

    public enum Failure: Error, Equatable { case tooLong(bytes: Int, max: Int) }

    /// The largest payload of level M in byte mode (version 40).
    public static var maxBytes: Int { dataCodewords(40) - 3 }

    public init(bytes: [UInt8], mask forcedMask: Int? = nil) throws {
        guard let version = (1...40).first(where: { Self.fits(bytes.count, $0) }) else {
            throw Failure.tooLong(bytes: bytes.count, max: Self.maxBytes)
        }
        self.version = version
        size = version * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
        mask = 0
        drawFunctionPatterns()
        drawCodewords(Self.interleaved(Self.dataCodewords(bytes, version), version))
        var best = 0, bestPenalty = Int.max
        for candidate in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            applyMask(candidate)
            drawFormatBits(candidate)
            let p = penalty()
            if p < bestPenalty { best = candidate; bestPenalty = p }
            applyMask(candidate)   // XOR again: undone
        }
        mask = best
        applyMask(best)
        drawFormatBits(best)
    }

    // MARK: capacity

    static let eccPerBlock: [Int] = [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28,
                                     28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28]
    static let blocks: [Int] = [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23,
                                25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49]

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawDataModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let align = version / 7 + 2
            result -= (25 * align - 10) * align - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewords(_ version: Int) -> Int {
        rawDataModules(version) / 8 - eccPerBlock[version] * blocks[version]
    }

    static func countBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }

    static func fits(_ count: Int, _ version: Int) -> Bool {
        4 + countBits(version) + count * 8 <= dataCodewords(version) * 8 && count < (1 << countBits(version))
    }

    // MARK: data

    /// Mode, count, bytes, terminator, padding: the data codewords of the version.
    static func dataCodewords(_ bytes: [UInt8], _ version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(bytes.count, countBits(version))
        for b in bytes { append(Int(b), 8) }
        let capacity = dataCodewords(version) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var out: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { i in
            (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[i + $1] ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while out.count < capacity / 8 { out.append(pad); pad = pad == 0xEC ? 0x11 : 0xEC }
        return out
    }

    /// Split into blocks, each with its Reed–Solomon codewords, interleaved as the symbol stores them.
    static func interleaved(_ data: [UInt8], _ version: Int) -> [UInt8] {
        let count = blocks[version], ecc = eccPerBlock[version]
        let raw = rawDataModules(version) / 8
        let shortBlocks = count - raw % count, shortLength = raw / count
        let divisor = ReedSolomon.divisor(degree: ecc)
        var all: [[UInt8]] = []
        var k = 0
        for i in 0..<count {
            let length = shortLength - ecc + (i < shortBlocks ? 0 : 1)
            var block = Array(data[k..<k + length])
            k += length
            let remainder = ReedSolomon.remainder(block, divisor)
            if i < shortBlocks { block.append(0) }   // a place holder, skipped below
            all.append(block + remainder)
        }
        var result: [UInt8] = []
        for i in 0..<all[0].count {
            for (j, block) in all.enumerated() where i != shortLength - ecc || j >= shortBlocks {
                result.append(block[i])
            }
        }
        return result
    }

    // MARK: drawing

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y][x] = dark
        isFunction[y][x] = true
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        drawFinder(3, 3); drawFinder(size - 4, 3); drawFinder(3, size - 4)
        let centers = Self.alignmentCenters(version)
        for (i, cx) in centers.enumerated() {
            for (j, cy) in centers.enumerated() {
                let corner = (i == 0 && j == 0) || (i == 0 && j == centers.count - 1) || (i == centers.count - 1 && j == 0)
                if !corner { drawAlignment(cx, cy) }
            }
        }
        drawFormatBits(0)   // reserves the area; drawn again with the chosen mask
        drawVersion()
    }

    private mutating func drawFinder(_ cx: Int, _ cy: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = cx + dx, y = cy + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let distance = max(abs(dx), abs(dy))
                set(x, y, distance != 2 && distance != 4)
            }
        }
    }

    private mutating func drawAlignment(_ cx: Int, _ cy: Int) {
        for dy in -2...2 { for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) } }
    }

    static func alignmentCenters(_ version: Int) -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var result = [6]
        var position = version * 4 + 17 - 7
        while result.count < count {
            result.insert(position, at: 1)
            position -= step
        }
        return result
    }

    /// The 15 format bits (level M, the mask), BCH-protected, in both copies, and the dark module.
    private mutating func drawFormatBits(_ mask: Int) {
        let data = 0 << 3 | mask   // level M is 00
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6)); set(8, 8, bit(7)); set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    private mutating func drawVersion() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3, b = i / 3
            set(a, b, dark)
            set(b, a, dark)
        }
    }

    /// Codewords in the zigzag of two-module columns, right to left, skipping the timing column.
    private mutating func drawCodewords(_ data: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    if !isFunction[y][x] && i < data.count * 8 {
                        modules[y][x] = (data[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    static func masked(_ mask: Int, _ x: Int, _ y: Int) -> Bool {
        switch mask {
        case 0: return (x + y) % 2 == 0
        case 1: return y % 2 == 0
        case 2: return x % 3 == 0
        case 3: return (x + y) % 3 == 0
        case 4: return (x / 3 + y / 2) % 2 == 0
        case 5: return x * y % 2 + x * y % 3 == 0
        case 6: return (x * y % 2 + x * y % 3) % 2 == 0
        default: return ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    private mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] && Self.masked(mask, x, y) { modules[y][x].toggle() }
        }
    }

    // MARK: penalty (ISO/IEC 18004 §7.8.3)

    func penalty() -> Int {
        let n = size
        var flat = [Bool](repeating: false, count: n * n)
        for y in 0..<n { for x in 0..<n { flat[y * n + x] = modules[y][x] } }
        var result = 0
        // rows, then columns: the same rules along each line
        for vertical in [false, true] {
            for line in 0..<n {
                var run = 0, previous = false, window = 0
                for i in 0..<n {
                    let dark = vertical ? flat[i * n + line] : flat[line * n + i]
                    // N1: five or more of a colour in a row
                    if i > 0 && dark == previous { run += 1 } else {
                        if run >= 5 { result += 3 + (run - 5) }
                        run = 1
                        previous = dark
                    }
                    // N3: 1:1:3:1:1 with four light modules on one side, as the last eleven modules
                    window = (window << 1 | (dark ? 1 : 0)) & 0x7FF
                    if i >= 10 && (window == 0b101_1101_0000 || window == 0b000_0101_1101) { result += 40 }
                }
                if run >= 5 { result += 3 + (run - 5) }
            }
        }
        // N2: 2×2 blocks of one colour
        for y in 0..<(n - 1) {
            for x in 0..<(n - 1) {
                let c = flat[y * n + x]
                if flat[y * n + x + 1] == c && flat[(y + 1) * n + x] == c && flat[(y + 1) * n + x + 1] == c { result += 3 }
            }
        }
        // N4: the share of dark modules away from half, in steps of 5 %
        let dark = flat.reduce(0) { $0 + ($1 ? 1 : 0) }
        let total = n * n
        let k = (abs(dark * 20 - total * 10) + total - 1) / total - 1
        result += max(0, k) * 10
        return result
    }
}

/// Reed–Solomon over GF(256) with the QR code's polynomial x⁸ + x⁴ + x³ + x² + 1.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z)
    }

    /// The generator polynomial's coefficients (highest first, leading 1 dropped).
    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], _ divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in 0..<divisor.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}
